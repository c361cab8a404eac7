"""The general panel in Spanish: the English templates translated, brand and place names kept,
amenities by their Spanish names, and as many questions of each type as in English."""

from __future__ import annotations

from collections import Counter

from geo.panel import AMENITY_KEYWORDS, amenity_combinations, generate_panel
from geo.panel_es import AMENITY_NAMES_ES, SPANISH
from geo.profile import Address, PropertyProfile
from tests.geo.test_panel import aero


def test_the_spanish_panel_counts_as_the_english_one() -> None:
    english, spanish = generate_panel(aero()), generate_panel(aero(), SPANISH)
    assert len(spanish) == len(english) == 26
    assert Counter(q.type for q in spanish) == Counter(q.type for q in english)
    assert [q.weight for q in spanish] == [q.weight for q in english]
    assert {(q.persona, q.language) for q in spanish} == {("", "es")}
    assert {(q.persona, q.language) for q in english} == {("", "en")}


def test_exact_spanish_template_texts() -> None:
    texts = [q.text for q in generate_panel(aero(), SPANISH)]
    assert texts[:5] == [
        "¿Qué es AMLI Aero?",
        "¿Es AMLI Aero un buen lugar para vivir?",
        "Opiniones de AMLI Aero",
        "Apartamentos AMLI Aero",
        "Mejores apartamentos en San Diego",
    ]
    for text in (
        "Apartamentos con piscina y gimnasio en Kearny Mesa",
        "Apartamentos con parque para perros y carga para autos eléctricos en Kearny Mesa",
        "Mudarse a Kearny Mesa: recomendaciones de apartamentos",
        "Apartamentos sostenibles y ecológicos en Kearny Mesa con energía solar",
        "Apartamentos de lujo en Kearny Mesa",
        "Apartamentos para jóvenes profesionales en Kearny Mesa",
        "AMLI Aero vs Avalon La Jolla: ¿cuál es mejor?",
        "Apartamentos cerca de 3451 Aero Drive",  # the street as it is written
        "¿Cómo solicito un apartamento en AMLI Aero?",
        "Háblame de AMLI Aero",
    ):
        assert text in texts
    # The first amenity ("Resort-style pool") by its Spanish name.
    assert texts[-1] == "¿Dónde encuentro apartamentos en Kearny Mesa con piscina?"


def test_triples_and_every_amenity_have_spanish_names() -> None:
    assert {value for _, value in AMENITY_KEYWORDS} == set(AMENITY_NAMES_ES)
    combos = [q.text for q in amenity_combinations(["pool", "spa", "concierge"], "Centro", SPANISH)]
    assert combos == [
        "Apartamentos con piscina y spa en Centro",
        "Apartamentos con piscina y conserjería en Centro",
        "Apartamentos con spa y conserjería en Centro",
        "Apartamentos en Centro con piscina, spa y conserjería",
        "Apartamentos modernos cerca de Centro con piscina",
    ]


def test_free_text_is_never_quoted_in_a_spanish_question() -> None:
    odd = PropertyProfile(
        name="Harbor Lofts",
        address=Address(city="Austin", state="TX"),
        amenities=["Waterfront hammocks"],
        unique_selling_points=["Waterfront location"],
    )
    english = [q.text for q in generate_panel(odd)]
    spanish = [q.text for q in generate_panel(odd, SPANISH)]
    assert "Waterfront apartments in Austin" in english
    assert "Where can I find apartments in Austin with waterfront hammocks?" in english
    assert not any("aterfront" in text for text in spanish)
    assert spanish[-1] == "¿Dónde encuentro apartamentos en Austin?"
    assert len(spanish) == len(english) - 1  # the selling point no rule knows
