"""The Start audit form's "Ask from a place" fields: labelled, read into the API's
`asker_location`, handed to the same service as POST /audits, and refused in the form's words."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from api.schemas import AuditCreate
from api.services.starting import Started
from db.models import Audit
from geo.location import AskerLocation
from tests.dashboard.conftest import Api, count, csrf_of, seed_property

PLACE = {
    "loc_city": "San Diego",
    "loc_region": "CA",
    "loc_country": "us",
    "loc_zip": "92104",
    "loc_timezone": "America/Los_Angeles",
    "loc_latitude": "32.74",
    "loc_longitude": "-117.13",
}


def start_form(api: Api, **fields: Any) -> tuple[uuid.UUID, dict[str, Any]]:
    prop, _ = seed_property(api, ["Best apartments in North Park"])
    token = csrf_of(api.client, f"/app/properties/{prop}")
    return prop, {"csrf": token, "options": "1", "surfaces": ["openai"], **fields}


def test_the_form_offers_the_fields(api: Api) -> None:
    prop, _ = seed_property(api, ["Best apartments in North Park"])
    page = api.client.get(f"/app/properties/{prop}").text
    for name in ("city", "region", "country", "zip", "timezone", "latitude", "longitude"):
        assert f'id="start-loc-{name}" name="loc_{name}"' in page
        assert f'<label for="start-loc-{name}">' in page
    assert "Ask from a place (optional)" in page


def test_the_place_reaches_the_start_service(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[AuditCreate] = []

    async def begin_audit(
        _s: object, _t: object, _c: object, _p: object, body: AuditCreate, _k: object
    ) -> Started:
        asked.append(body)
        return Started(Audit(id=uuid.uuid4()), False, "structured")

    monkeypatch.setattr("api.dashboard.properties.begin_audit", begin_audit)
    prop, data = start_form(api, **PLACE)
    sent = api.client.post(f"/app/properties/{prop}/audits", data=data, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    [body] = asked
    assert body.asker_location is not None
    assert body.asker_location.location() == AskerLocation(
        city="San Diego",
        region="CA",
        country="US",
        zip="92104",
        timezone="America/Los_Angeles",
        latitude=32.74,
        longitude=-117.13,
    )


def test_empty_fields_ask_from_nowhere(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[AuditCreate] = []

    async def begin_audit(*args: Any) -> Started:
        asked.append(args[4])
        return Started(Audit(id=uuid.uuid4()), False, "structured")

    monkeypatch.setattr("api.dashboard.properties.begin_audit", begin_audit)
    prop, data = start_form(api, loc_city=" ", loc_country="")
    api.client.post(f"/app/properties/{prop}/audits", data=data, follow_redirects=False)
    assert [b.asker_location for b in asked] == [None]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"loc_city": "Austin", "loc_country": "USA"},
            "Asking from: country: must be an ISO",
        ),
        (
            {"loc_city": "Austin", "loc_latitude": "30.2"},
            "Asking from: give latitude and longitude",
        ),
        ({"loc_timezone": "America/Chicago"}, "Asking from: give at least one of city"),
        ({"loc_city": "Austin", "loc_timezone": "Moon/Base"}, "Asking from: time zone: unknown"),
    ],
)
def test_a_bad_place_comes_back_with_what_to_fix(
    api: Api, fields: dict[str, str], message: str
) -> None:
    prop, data = start_form(api, **fields)
    page = api.client.post(f"/app/properties/{prop}/audits", data=data)
    assert page.status_code == 422, page.text
    assert "The audit was not started" in page.text and message in page.text
    # What was typed is still there to fix.
    assert 'name="loc_city" maxlength="100" value="Austin"' in page.text or "loc_city" not in fields
    assert count(api, Audit) == 0
