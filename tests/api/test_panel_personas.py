"""`POST /properties/{id}/queries/generate` per persona and language: no body is today's panel,
a body adds personas' questions and Spanish ones, a repeat adds nothing, and what the catalogue
does not know is a 422 that names what it knows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cli.example import EXAMPLE_PROPERTY
from geo.panel import generate_panel
from geo.profile import PropertyProfile
from tests.api.conftest import KEY, _serving

AUTH = {"X-API-Key": KEY}
BOTH = {"personas": ["auto"], "languages": ["en", "es"]}


def new_property(client: TestClient) -> str:
    response = client.post("/properties", json=EXAMPLE_PROPERTY, headers=AUTH)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def generate(client: TestClient, pid: str, body: dict[str, Any] | None = None) -> Any:
    kwargs: dict[str, Any] = {"headers": AUTH} | ({"json": body} if body is not None else {})
    return client.post(f"/properties/{pid}/queries/generate", **kwargs)


def listing(client: TestClient, pid: str, **params: str) -> dict[str, Any]:
    response = client.get(f"/properties/{pid}/queries", params=params, headers=AUTH)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_no_body_is_the_general_panel_in_english(client: TestClient) -> None:
    pid = new_property(client)
    made = generate(client, pid)
    assert made.status_code == 201, made.text
    found = made.json()
    expected = [q.text for q in generate_panel(PropertyProfile.model_validate(EXAMPLE_PROPERTY))]
    assert [q["text"] for q in found["queries"]] == expected
    assert (found["personas"], found["languages"]) == ([], ["en"])
    assert {(q["persona"], q["language"]) for q in found["queries"]} == {("", "en")}
    listed = listing(client, pid)
    assert listed["by_persona"] == {"": len(expected)}
    assert listed["by_language"] == {"en": len(expected)}


def test_personas_and_spanish_are_added_once(client: TestClient) -> None:
    pid = new_property(client)
    general = generate(client, pid).json()["total"]
    made = generate(client, pid, BOTH)
    assert made.status_code == 201, made.text
    found = made.json()
    # "Young professionals and families relocating to San Diego".
    assert found["personas"] == ["families", "relocating_professionals"]
    assert found["languages"] == ["en", "es"]
    # The English general panel was there; now its Spanish twin and 6 questions per persona
    # (5, and one about the amenity that matters to them) in each language.
    assert found["already_present"] == general
    assert found["generated"] == general + 2 * 2 * 6
    counts = Counter((q["persona"], q["language"]) for q in found["queries"])
    assert counts == {
        ("", "en"): general,
        ("", "es"): general,
        ("families", "en"): 6,
        ("families", "es"): 6,
        ("relocating_professionals", "en"): 6,
        ("relocating_professionals", "es"): 6,
    }
    texts = {q["text"]: q for q in found["queries"]}
    assert texts["Is AMLI Aero a good fit for families?"]["type"] == "branded"
    assert texts["¿Es AMLI Aero una buena opción para familias?"]["language"] == "es"
    assert "AMLI Aero vs Avalon La Jolla: ¿cuál es mejor?" in texts

    again = generate(client, pid, BOTH).json()
    assert (again["generated"], again["already_present"], again["total"]) == (
        0,
        found["total"],
        found["total"],
    )
    listed = listing(client, pid)
    assert listed["total"] == found["total"]
    assert listed["by_language"] == {"en": general + 12, "es": general + 12}
    assert listed["by_persona"] == {"": 2 * general, "families": 12, "relocating_professionals": 12}


def test_the_panel_filters_by_persona_and_language(client: TestClient) -> None:
    pid = new_property(client)
    generate(client, pid, {"personas": ["pet_owners", "seniors"], "languages": ["es"]})
    spanish_pets = listing(client, pid, persona="pet_owners", language="es")
    assert spanish_pets["total"] == 6 and spanish_pets["by_persona"] == {"pet_owners": 6}
    assert "¿Es AMLI Aero una buena opción para dueños de mascotas?" in [
        q["text"] for q in spanish_pets["queries"]
    ]
    anyone = listing(client, pid, persona="")  # the questions of any renter
    assert anyone["by_persona"] == {"": anyone["total"]} and anyone["by_language"] == {
        "es": anyone["total"]
    }
    assert listing(client, pid, language="en")["total"] == 0


def test_only_personas_without_the_general_panel(client: TestClient) -> None:
    pid = new_property(client)
    found = generate(client, pid, {"general": False, "personas": ["students"]}).json()
    texts = [q["text"] for q in found["queries"]]
    assert found["total"] == 6 and texts[0] == "Best apartments for students in Kearny Mesa"
    assert texts[-1] == "Student apartments in Kearny Mesa with fitness center"  # its gym


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"personas": ["gamers"]}, ["families", "relocating_professionals", "auto"]),
        ({"languages": ["fr"]}, ["'en'", "'es'"]),
        ({"languages": []}, ["at least 1"]),
        ({"general": False}, ["nothing to generate"]),
        ({"personas": ["families"], "colour": "red"}, ["colour"]),
    ],
)
def test_what_the_catalogue_does_not_know_is_a_422(
    client: TestClient, body: dict[str, Any], names: list[str]
) -> None:
    pid = new_property(client)
    refused = generate(client, pid, body)
    assert refused.status_code == 422, refused.text
    assert all(name in refused.text for name in names), refused.text
    assert listing(client, pid)["total"] == 0


def test_unknown_filters_and_manual_questions(client: TestClient) -> None:
    pid = new_property(client)
    bad = client.get(f"/properties/{pid}/queries", params={"persona": "gamers"}, headers=AUTH)
    assert bad.status_code == 422 and "pet_owners" in bad.text
    manual = {"text": "¿Hay apartamentos con piscina para niños?", "persona": "families"}
    created = client.post(
        f"/properties/{pid}/queries", json=manual | {"language": "es"}, headers=AUTH
    )
    assert created.status_code == 201, created.text
    assert (created.json()["persona"], created.json()["language"]) == ("families", "es")
    wrong = client.post(
        f"/properties/{pid}/queries", json=manual | {"language": "de"}, headers=AUTH
    )
    assert wrong.status_code == 422
    plain = client.post(f"/properties/{pid}/queries", json={"text": "Quiet lofts"}, headers=AUTH)
    assert (plain.json()["persona"], plain.json()["language"]) == ("", "en")


@pytest.fixture
def capped(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'capped.db'}"
    with _serving(url, propertyaudit_api_key=KEY, max_panel_size=40) as client:
        yield client


def test_the_cap_applies_to_persona_and_language_panels(capped: TestClient) -> None:
    pid = new_property(capped)
    assert generate(capped, pid).status_code == 201  # 26 questions
    refused = generate(capped, pid, BOTH)
    assert refused.status_code == 422 and "MAX_PANEL_SIZE" in refused.text
    assert listing(capped, pid)["total"] == 26  # nothing of it was added
    assert generate(capped, pid, {"personas": ["families"]}).status_code == 201
    assert listing(capped, pid)["total"] == 32
