"""Who asks: the persona catalogue and each persona's questions, in English and Spanish.

A persona's questions are phrased as that renter asks them and built from the profile alone
(brand, neighbourhood, city, and the one amenity that matters most to them), so the same
profile always makes the same questions. The personas a profile targets are read from its
`target_audience` (English or Spanish); one that names none gets the two most common movers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from geo.panel import AMENITY_KEYWORDS, PanelQuery, QueryType, key_amenities
from geo.panel_es import AMENITY_NAMES_ES
from geo.profile import PropertyProfile

PersonaKey = Literal[
    "families", "students", "pet_owners", "remote_workers", "seniors", "relocating_professionals"
]
PERSONA_KEYS: tuple[str, ...] = get_args(PersonaKey)
# When the target audience names no persona: the two largest groups of movers.
FALLBACK_PERSONAS: tuple[str, ...] = ("families", "relocating_professionals")

# Amenities no general question asks about, but one persona does (canonical English name).
PERSONA_AMENITY_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("playground", "playground"),
    ("play area", "playground"),
    ("tot lot", "playground"),
    ("study", "study lounge"),
    ("study lounge", "study lounge"),
    ("furnished", "furnished units"),
    ("elevator", "elevators"),
    ("elevators", "elevators"),
    ("business center", "business center"),
    ("shuttle", "shuttle"),
)
PERSONA_AMENITY_NAMES_ES: dict[str, str] = {
    **AMENITY_NAMES_ES,
    "playground": "área de juegos infantiles",
    "study lounge": "sala de estudio",
    "furnished units": "unidades amuebladas",
    "elevators": "ascensores",
    "business center": "centro de negocios",
    "shuttle": "servicio de transporte",
}

# Amenity names per language other than English (the canonical names are English).
AMENITY_NAMES: dict[str, dict[str, str]] = {"es": PERSONA_AMENITY_NAMES_ES}

Template = tuple[str, QueryType, float]  # placeholders {b} brand, {c} city, {n} neighbourhood


@dataclass(frozen=True)
class Persona:
    key: str
    label: dict[str, str]  # per language
    audience: str  # what in a target audience names them (a regex, English and Spanish)
    amenities: tuple[str, ...]  # the canonical amenities that matter to them, most first
    questions: dict[str, tuple[Template, ...]]  # per language
    with_amenity: dict[str, str]  # per language; {a} the amenity


def _qs(*items: tuple[str, str]) -> tuple[Template, ...]:
    """(text, type) pairs; weights by type: branded 1.4, category 1.3, local 1.2, faq 1.0."""
    weights = {"branded": 1.4, "category": 1.3, "local": 1.2, "faq": 1.0}
    return tuple((text, qtype, weights[qtype]) for text, qtype in items)  # type: ignore[misc]


PERSONAS: dict[str, Persona] = {
    p.key: p
    for p in (
        Persona(
            key="families",
            label={"en": "families", "es": "familias"},
            audience=r"famil|\bkids?\b|child|parent|niñ|hij",
            amenities=("playground", "pool", "garage parking", "parking"),
            questions={
                "en": _qs(
                    ("Best apartments in {n} for families with kids", "category"),
                    ("Is {b} a good fit for families?", "branded"),
                    ("Family-friendly apartment communities near good schools in {c}", "local"),
                    ("Safe, quiet apartments in {n} for a family", "category"),
                    ("What should families look for when renting an apartment in {n}?", "faq"),
                ),
                "es": _qs(
                    ("Mejores apartamentos en {n} para familias con niños", "category"),
                    ("¿Es {b} una buena opción para familias?", "branded"),
                    (
                        "Comunidades de apartamentos para familias cerca de buenas escuelas en {c}",
                        "local",
                    ),
                    ("Apartamentos seguros y tranquilos en {n} para una familia", "category"),
                    ("¿Qué deben buscar las familias al alquilar un apartamento en {n}?", "faq"),
                ),
            },
            with_amenity={
                "en": "Apartments in {n} with {a} for families",
                "es": "Apartamentos en {n} con {a} para familias",
            },
        ),
        Persona(
            key="students",
            label={"en": "students", "es": "estudiantes"},
            audience=r"student|graduate|universit|college|campus|estudiant|universidad",
            amenities=("study lounge", "shuttle", "bike storage", "fitness center"),
            questions={
                "en": _qs(
                    ("Best apartments for students in {n}", "category"),
                    ("Is {b} a good fit for students?", "branded"),
                    ("Affordable apartments near universities in {c}", "local"),
                    ("Apartments in {n} with roommate-friendly floor plans", "category"),
                    ("What should students look for when renting an apartment in {c}?", "faq"),
                ),
                "es": _qs(
                    ("Mejores apartamentos para estudiantes en {n}", "category"),
                    ("¿Es {b} una buena opción para estudiantes?", "branded"),
                    ("Apartamentos económicos cerca de universidades en {c}", "local"),
                    ("Apartamentos en {n} para compartir con compañeros de cuarto", "category"),
                    ("¿Qué deben buscar los estudiantes al alquilar un apartamento en {c}?", "faq"),
                ),
            },
            with_amenity={
                "en": "Student apartments in {n} with {a}",
                "es": "Apartamentos para estudiantes en {n} con {a}",
            },
        ),
        Persona(
            key="pet_owners",
            label={"en": "pet owners", "es": "dueños de mascotas"},
            audience=r"\bpets?\b|pet[- ]owner|\bdogs?\b|\bcats?\b|mascota|perro|gato",
            amenities=("dog park", "pet-friendly", "dog-friendly"),
            questions={
                "en": _qs(
                    ("Best pet-friendly apartments in {n}", "category"),
                    ("Is {b} a good fit for pet owners?", "branded"),
                    ("Apartments in {c} that allow large dogs", "category"),
                    ("Which apartments in {n} have no pet rent?", "faq"),
                    ("What should pet owners know before renting in {n}?", "faq"),
                ),
                "es": _qs(
                    ("Mejores apartamentos que aceptan mascotas en {n}", "category"),
                    ("¿Es {b} una buena opción para dueños de mascotas?", "branded"),
                    ("Apartamentos en {c} que aceptan perros grandes", "category"),
                    ("¿Qué apartamentos en {n} no cobran renta por mascota?", "faq"),
                    ("¿Qué deben saber los dueños de mascotas antes de alquilar en {n}?", "faq"),
                ),
            },
            with_amenity={
                "en": "Apartments with {a} in {n} for dog owners",
                "es": "Apartamentos con {a} en {n} para dueños de perros",
            },
        ),
        Persona(
            key="remote_workers",
            label={"en": "remote workers", "es": "personas que trabajan desde casa"},
            audience=r"remote|work(ing)? from home|\bwfh\b|freelanc|nomad|teletrabaj|desde casa",
            amenities=("coworking space", "business center", "package lockers"),
            questions={
                "en": _qs(
                    ("Best apartments in {n} for remote workers", "category"),
                    ("Is {b} a good fit for remote workers?", "branded"),
                    ("Apartments in {c} with fast internet for working from home", "category"),
                    ("Apartments in {n} with a home office or den", "category"),
                    ("What should remote workers look for in an apartment in {n}?", "faq"),
                ),
                "es": _qs(
                    ("Mejores apartamentos en {n} para trabajar desde casa", "category"),
                    ("¿Es {b} una buena opción para quienes trabajan desde casa?", "branded"),
                    (
                        "Apartamentos en {c} con internet rápido para trabajar desde casa",
                        "category",
                    ),
                    ("Apartamentos en {n} con oficina en casa o estudio", "category"),
                    (
                        "¿Qué deben buscar quienes trabajan desde casa en un apartamento en {n}?",
                        "faq",
                    ),
                ),
            },
            with_amenity={
                "en": "Apartments in {n} with {a} for working from home",
                "es": "Apartamentos en {n} con {a} para trabajar desde casa",
            },
        ),
        Persona(
            key="seniors",
            label={"en": "seniors", "es": "personas mayores"},
            audience=r"senior|retire|empty[- ]nester|55\+|older adult|jubilad|mayores",
            amenities=("elevators", "concierge", "garage parking", "parking"),
            questions={
                "en": _qs(
                    ("Best apartments in {n} for seniors", "category"),
                    ("Is {b} a good fit for seniors?", "branded"),
                    ("Quiet apartment communities in {c} for retirees", "local"),
                    ("Single-level apartments in {n} with elevator access", "category"),
                    ("What should seniors look for when renting an apartment in {n}?", "faq"),
                ),
                "es": _qs(
                    ("Mejores apartamentos en {n} para personas mayores", "category"),
                    ("¿Es {b} una buena opción para personas mayores?", "branded"),
                    ("Comunidades de apartamentos tranquilas en {c} para jubilados", "local"),
                    ("Apartamentos de una sola planta en {n} con ascensor", "category"),
                    (
                        "¿Qué deben buscar las personas mayores al alquilar un apartamento en {n}?",
                        "faq",
                    ),
                ),
            },
            with_amenity={
                "en": "Apartments in {n} with {a} for seniors",
                "es": "Apartamentos en {n} con {a} para personas mayores",
            },
        ),
        Persona(
            key="relocating_professionals",
            label={
                "en": "relocating professionals",
                "es": "profesionales que se mudan por trabajo",
            },
            audience=r"relocat|transferr|professional|corporate|new job"
            r"|reubica|traslad|profesional",
            amenities=("furnished units", "concierge", "fitness center", "garage parking"),
            questions={
                "en": _qs(
                    ("Best apartments in {n} for professionals relocating to {c}", "category"),
                    ("Is {b} a good fit for someone relocating for work?", "branded"),
                    ("Furnished or short-term apartments in {c} for a job relocation", "category"),
                    ("Moving to {c} for work: which neighborhoods and apartments?", "local"),
                    ("How do I rent an apartment in {c} before I move there?", "faq"),
                ),
                "es": _qs(
                    (
                        "Mejores apartamentos en {n} para profesionales que se mudan a {c}",
                        "category",
                    ),
                    ("¿Es {b} una buena opción para alguien que se muda por trabajo?", "branded"),
                    (
                        "Apartamentos amueblados o de corto plazo en {c} por traslado laboral",
                        "category",
                    ),
                    (
                        "Me mudo a {c} por trabajo: ¿qué barrios y apartamentos recomiendan?",
                        "local",
                    ),
                    ("¿Cómo alquilo un apartamento en {c} antes de mudarme?", "faq"),
                ),
            },
            with_amenity={
                "en": "Apartments in {n} with {a} for relocating professionals",
                "es": "Apartamentos en {n} con {a} para profesionales que se mudan por trabajo",
            },
        ),
    )
}


def seed_personas(target_audience: str) -> list[str]:
    """The personas a target audience names, in catalogue order; none named: the fallback."""
    text = (target_audience or "").lower()
    found = [p.key for p in PERSONAS.values() if re.search(p.audience, text)]
    return found or list(FALLBACK_PERSONAS)


def persona_amenity(persona: Persona, amenities: list[str]) -> str | None:
    """The canonical amenity of the profile that matters most to this persona, if any."""
    have = key_amenities(amenities, AMENITY_KEYWORDS + PERSONA_AMENITY_KEYWORDS)
    return next((a for a in persona.amenities if a in have), None)


def persona_questions(profile: PropertyProfile, key: str, language: str) -> list[PanelQuery]:
    """One persona's questions in one language: five, and a sixth when the profile has an
    amenity that matters to them."""
    persona = PERSONAS[key]
    city = profile.address.city or "Unknown City"
    values = {"b": profile.name.strip(), "c": city, "n": profile.address.neighborhood or city}
    items = list(persona.questions[language])
    amenity = persona_amenity(persona, profile.amenities)
    if amenity:
        name = AMENITY_NAMES.get(language, {}).get(amenity, amenity)
        items.append((persona.with_amenity[language].replace("{a}", name), "category", 1.3))
    return [
        PanelQuery(
            text=text.format(**values), type=qtype, weight=weight, persona=key, language=language
        )
        for text, qtype, weight in items
    ]
