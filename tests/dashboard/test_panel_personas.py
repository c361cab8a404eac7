"""The property page's panel per persona and language: the regenerate form offers both, the
questions it adds show who asks and in which language, and a form that asks for nothing comes
back saying what to choose."""

from __future__ import annotations

import re
import uuid

from tests.dashboard.conftest import Api, csrf_of, questions_of, seed_property
from tests.dashboard.test_property_pages import section, unlabelled


def seeded(api: Api) -> uuid.UUID:
    """A property with one question, a dog park and a pool, for dog owners."""
    prop, _ = seed_property(
        api,
        ["Best apartments in North Park"],
        amenities=["Dog park", "Pool"],
        target_audience="dog owners",
    )
    return prop


def test_the_form_offers_personas_and_languages(api: Api) -> None:
    prop = seeded(api)
    panel = section(api.client.get(f"/app/properties/{prop}").text, "panel")
    for key in ("auto", "families", "pet_owners", "relocating_professionals"):
        assert f'name="personas" value="{key}"' in panel
    assert re.search(r'name="languages" value="en" checked', panel)
    assert 'name="languages" value="es">' in panel
    assert unlabelled(panel) == []
    # Questions already there were asked by any renter, in English.
    assert 'data-persona="">any renter' in panel and 'data-language="en"' in panel


def test_regenerating_for_a_persona_in_spanish(api: Api) -> None:
    prop = seeded(api)
    token = csrf_of(api.client, f"/app/properties/{prop}")
    url = f"/app/properties/{prop}/queries/generate"
    form = {"csrf": token, "options": "1", "personas": ["auto"], "languages": ["es"]}
    page = api.client.post(url, data=form)  # no general questions: only the persona's
    assert page.status_code == 200, page.text
    assert "regenerated for pet_owners (es): 6 new questions" in page.text
    panel = section(page.text, "panel")
    assert '<span lang="es">¿Es AMLI Aero una buena opción para dueños de mascotas?</span>' in panel
    assert 'data-persona="pet_owners">pet owners' in panel
    assert len(questions_of(api, prop)) == 1 + 6
    again = api.client.post(url, data=form)
    assert "0 new questions, 6 already there, 7 in all" in again.text


def test_a_form_that_asks_for_nothing_is_refused(api: Api) -> None:
    prop = seeded(api)
    token = csrf_of(api.client, f"/app/properties/{prop}")
    url = f"/app/properties/{prop}/queries/generate"
    none = api.client.post(url, data={"csrf": token, "options": "1", "general": "on"})
    assert none.status_code == 422 and "Choose at least one language." in none.text
    empty = api.client.post(url, data={"csrf": token, "options": "1", "languages": ["en"]})
    assert empty.status_code == 422 and "Choose the general questions, a persona" in empty.text
    assert list(questions_of(api, prop)) == ["Best apartments in North Park"]
