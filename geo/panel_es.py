"""The general panel in Spanish: the English templates as a Spanish-speaking renter asks them.

Brand, place and street names stay as they are; amenities use their Spanish names. Two
choices on purpose: a competitor comparison adds "¿cuál es mejor?" (a bare "X vs Y" would be
the English question's text, and a panel holds a text once), and a selling point no rule knows
gets no question (its word is free English text: a Spanish question cannot quote it).
"""

from __future__ import annotations

from geo.panel import ENGLISH, Wording

# Every canonical name of geo.panel.AMENITY_KEYWORDS, in US Spanish.
AMENITY_NAMES_ES: dict[str, str] = {
    "pool": "piscina",
    "fitness center": "gimnasio",
    "pet-friendly": "admisión de mascotas",
    "dog-friendly": "admisión de perros",
    "dog park": "parque para perros",
    "parking": "estacionamiento",
    "garage parking": "estacionamiento techado",
    "rooftop": "azotea",
    "rooftop deck": "terraza en la azotea",
    "coworking space": "espacio de coworking",
    "EV charging": "carga para autos eléctricos",
    "concierge": "conserjería",
    "smart home technology": "tecnología de hogar inteligente",
    "spa": "spa",
    "package lockers": "casilleros para paquetes",
    "bike storage": "guardabicicletas",
}

SPANISH = Wording(
    language="es",
    branded=(
        "¿Qué es {b}?",
        "¿Es {b} un buen lugar para vivir?",
        "Opiniones de {b}",
        "Apartamentos {b}",
    ),
    best_in_city="Mejores apartamentos en {c}",
    pair="Apartamentos con {a} y {a2} en {n}",
    triple="Apartamentos en {n} con {a}, {a2} y {a3}",
    modern_with="Apartamentos modernos cerca de {n} con {a}",
    no_amenities=("Apartamentos modernos en {n}", "Apartamentos de construcción reciente en {n}"),
    local=(
        "Mejor lugar para vivir en {n}",
        "Comunidades de apartamentos en {n}",
        "Mudarse a {n}: recomendaciones de apartamentos",
    ),
    # The English rules' order, each also reading a selling point written in Spanish.
    usp_rules=(
        (
            r"sustainab|green|solar|sostenib|ecol[oó]gic",
            "Apartamentos sostenibles y ecológicos en {n} con energía solar",
        ),
        (r"luxury|premium|high-end|lujo", "Apartamentos de lujo en {n}"),
        (
            r"\btech|smart home|automation|tecnolog|inteligente|domótica",
            "Apartamentos con tecnología de hogar inteligente en {n}",
        ),
        (
            r"walkab|walk score|a pie|caminar",
            "Apartamentos en {n} cerca de tiendas y restaurantes a pie",
        ),
        (r"\bviews?\b|scenic|\bvistas?\b", "Apartamentos con vistas en {n}"),
        (r"resort|amenit|amenidad", "Apartamentos estilo resort en {n}"),
        (r"communit|social|comunidad", "Apartamentos con gran ambiente de comunidad en {n}"),
    ),
    usp_word=None,
    persona_rules=(
        (r"young professional|jóvenes profesionales", "jóvenes profesionales"),
        (r"remote worker|teletrabaj", "personas que trabajan en remoto"),
        (r"graduate student|posgrado", "estudiantes de posgrado"),
        (r"famil(y|ies|ias)", "familias"),
        (r"tech worker", "profesionales de la tecnología"),
        (r"military|militar", "militares"),
        (r"retiree|jubilad", "jubilados"),
        (r"empty nester", "parejas con hijos ya independizados"),
        (r"millennial", "millennials"),
        (r"gen z|generación z", "jóvenes de la generación Z"),
    ),
    persona_fallback=("jóvenes profesionales", "familias"),
    for_persona="Apartamentos para {p} en {n}",
    versus="{b} vs {r}: ¿cuál es mejor?",
    near_street="Apartamentos cerca de {s}",
    voice=(
        "¿Cómo solicito un apartamento en {b}?",
        "¿Qué amenidades tiene {b}?",
        "Háblame de {b}",
    ),
    voice_amenity="¿Dónde encuentro apartamentos en {n} con {a}?",
    voice_plain="¿Dónde encuentro apartamentos en {n}?",
    amenity_names=AMENITY_NAMES_ES,
)

WORDINGS: dict[str, Wording] = {"en": ENGLISH, "es": SPANISH}
