"""The persona catalogue: stable keys, seeding from a target audience in English or Spanish,
and each persona's questions in both languages, built from the profile alone."""

from __future__ import annotations

from collections import Counter

import pytest

from geo.panel import QUERY_TYPES
from geo.panel_es import AMENITY_NAMES_ES
from geo.personas import (
    FALLBACK_PERSONAS,
    PERSONA_AMENITY_KEYWORDS,
    PERSONA_AMENITY_NAMES_ES,
    PERSONA_KEYS,
    PERSONAS,
    persona_questions,
    seed_personas,
)
from tests.geo.test_panel import aero

LANGS = ("en", "es")


def test_the_catalogue_keys_are_stable_and_complete() -> None:
    assert PERSONA_KEYS == (
        "families",
        "students",
        "pet_owners",
        "remote_workers",
        "seniors",
        "relocating_professionals",
    )
    assert tuple(PERSONAS) == PERSONA_KEYS
    for persona in PERSONAS.values():
        assert (
            set(persona.label)
            == set(persona.questions)
            == set(persona.with_amenity)
            == {
                "en",
                "es",
            }
        )
        assert all(len(persona.questions[lang]) == 5 for lang in LANGS)
        assert all(a in PERSONA_AMENITY_NAMES_ES for a in persona.amenities), persona.key
    # Every amenity a persona can ask about has a Spanish name.
    assert {v for _, v in PERSONA_AMENITY_KEYWORDS} | set(AMENITY_NAMES_ES) <= set(
        PERSONA_AMENITY_NAMES_ES
    )


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        (
            "Young professionals and families relocating to San Diego",
            ["families", "relocating_professionals"],
        ),
        ("Graduate students at UCSD", ["students"]),
        ("Dog and cat owners", ["pet_owners"]),
        ("People who work from home", ["remote_workers"]),
        ("Empty nesters and 55+ renters", ["seniors"]),
        ("Remote workers, retirees", ["remote_workers", "seniors"]),
        ("Familias con mascotas y estudiantes", ["families", "students", "pet_owners"]),
        ("Jubilados que teletrabajan", ["remote_workers", "seniors"]),
        ("Carpet lovers", list(FALLBACK_PERSONAS)),  # "carpet" names no pet
        ("", list(FALLBACK_PERSONAS)),
    ],
)
def test_personas_are_seeded_from_the_target_audience(audience: str, expected: list[str]) -> None:
    assert seed_personas(audience) == expected


def test_exact_persona_questions_in_both_languages() -> None:
    pets = persona_questions(aero(), "pet_owners", "en")
    assert [q.text for q in pets] == [
        "Best pet-friendly apartments in Kearny Mesa",
        "Is AMLI Aero a good fit for pet owners?",
        "Apartments in San Diego that allow large dogs",
        "Which apartments in Kearny Mesa have no pet rent?",
        "What should pet owners know before renting in Kearny Mesa?",
        "Apartments with dog park in Kearny Mesa for dog owners",  # its dog park
    ]
    assert [q.type for q in pets] == ["category", "branded", "category", "faq", "faq", "category"]
    mascotas = persona_questions(aero(), "pet_owners", "es")
    assert [q.text for q in mascotas] == [
        "Mejores apartamentos que aceptan mascotas en Kearny Mesa",
        "¿Es AMLI Aero una buena opción para dueños de mascotas?",
        "Apartamentos en San Diego que aceptan perros grandes",
        "¿Qué apartamentos en Kearny Mesa no cobran renta por mascota?",
        "¿Qué deben saber los dueños de mascotas antes de alquilar en Kearny Mesa?",
        "Apartamentos con parque para perros en Kearny Mesa para dueños de perros",
    ]
    assert {(q.persona, q.language) for q in mascotas} == {("pet_owners", "es")}
    # The same types and weights in either language.
    assert [(q.type, q.weight) for q in mascotas] == [(q.type, q.weight) for q in pets]


def test_the_amenity_question_needs_an_amenity_that_matters() -> None:
    bare = aero().model_copy(update={"amenities": ["Carpeted floors"]})
    assert len(persona_questions(bare, "families", "en")) == 5
    playground = aero().model_copy(update={"amenities": ["Pool", "Tot lot playground"]})
    # Families prefer the playground to the pool, whatever the profile's order.
    assert persona_questions(playground, "families", "en")[-1].text == (
        "Apartments in Kearny Mesa with playground for families"
    )
    assert persona_questions(playground, "families", "es")[-1].text == (
        "Apartamentos en Kearny Mesa con área de juegos infantiles para familias"
    )


@pytest.mark.parametrize("key", PERSONA_KEYS)
def test_every_persona_makes_five_or_six_distinct_questions(key: str) -> None:
    for lang in LANGS:
        questions = persona_questions(aero(), key, lang)
        assert 5 <= len(questions) <= 6
        assert len({q.text.lower() for q in questions}) == len(questions)
        assert all(q.type in QUERY_TYPES and q.weight > 0 for q in questions)
        assert sum("AMLI Aero" in q.text for q in questions) == 1  # one branded question
        counts = Counter(q.type for q in questions)
        assert counts["branded"] == 1 and counts["faq"] >= 1
        if lang == "es":  # proper Spanish questions open with ¿
            assert all(q.text.startswith("¿") or "¿" in q.text for q in questions if "?" in q.text)
