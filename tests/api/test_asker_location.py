"""The asker's location through the API: refused with a clear 422 when it is not a place,
stored with the audit by the start and carried into its workflow's input, shown by the audit's
state and the list; the estimate counts the words it adds to the question."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import update

from api.schemas import AuditCreate
from api.services.starting import begin_audit
from cli.example import EXAMPLE_PROPERTY
from config.settings import Settings
from contracts.audit import AuditInput
from db.models import Audit, Property
from geo.location import AskerLocation
from tests.api.conftest import Api
from tests.factories import Sessions

LOCATION = {
    "city": "San Diego",
    "region": "CA",
    "country": "us",
    "zip": "92104",
    "timezone": "America/Los_Angeles",
    "latitude": 32.74,
    "longitude": -117.13,
}
STORED = LOCATION | {"country": "US"}  # ISO codes are upper case


@pytest.mark.parametrize(
    ("location", "fragment"),
    [
        ({}, "give at least one of city, region, country and zip"),
        ({"timezone": "America/Chicago"}, "give at least one of city, region, country and zip"),
        ({"city": "Austin", "country": "USA"}, "ISO 3166-1 alpha-2"),
        ({"city": "Austin", "country": "1X"}, "ISO 3166-1 alpha-2"),
        ({"city": "Austin", "timezone": "Mars/Olympus_Mons"}, "unknown time zone"),
        ({"city": "Austin", "timezone": "../../etc/passwd"}, "unknown time zone"),
        ({"city": "Austin", "latitude": 30.27}, "give latitude and longitude together"),
        ({"city": "Austin", "latitude": 91, "longitude": 0}, "less than or equal to 90"),
        ({"city": "Austin", "latitude": 0, "longitude": -181}, "greater than or equal to -180"),
        ({"city": "Austin", "zip": "<b>78701</b>"}, "must be a postal code"),
        ({"city": "A" * 101}, "at most 100 characters"),
        ({"city": "Austin", "altitude": 150}, "altitude"),
        ("Austin, TX", "valid dictionary"),
    ],
)
def test_what_is_not_a_place_is_a_clear_422(api: Api, location: Any, fragment: str) -> None:
    # A property the caller sees: an unknown one is a 404 before its body is read.
    pid = api.client.post("/properties", json={"name": "Casa Austin"}).json()["id"]
    for response in (
        api.client.post("/audits", json={"property_id": pid, "asker_location": location}),
        api.client.post(
            "/audits",
            params={"dry_run": "true"},
            json={"property_id": pid, "asker_location": location},
        ),
        api.client.put(
            f"/properties/{pid}/schedule",
            json={"interval_minutes": 60, "asker_location": location},
        ),
    ):
        assert response.status_code == 422, response.text
        assert fragment in response.text


def property_with_panel(api: Api) -> str:
    pid = str(api.client.post("/properties", json=EXAMPLE_PROPERTY).json()["id"])
    assert api.client.post(f"/properties/{pid}/queries/generate").status_code == 201
    return pid


def test_the_estimate_counts_the_place_said_in_the_question(api: Api) -> None:
    pid = property_with_panel(api)
    tokens = {}
    for key, extra in (("nowhere", {}), ("san diego", {"asker_location": LOCATION})):
        body = {"property_id": pid, "surfaces": ["openai"], "mode": "natural", **extra}
        response = api.client.post("/audits", params={"dry_run": "true"}, json=body)
        assert response.status_code == 200, response.text
        tokens[key] = response.json()["surfaces"][0]["input_tokens"]
    assert tokens["san diego"] > tokens["nowhere"]


class StartedWorkflows:
    """Temporal as the start sees it: it takes the workflow's input."""

    def __init__(self) -> None:
        self.inputs: list[AuditInput] = []

    async def start_workflow(self, _run: object, inp: AuditInput, **_options: object) -> None:
        self.inputs.append(inp)


def start(api: Api, pid: str, location: dict[str, Any] | None) -> tuple[str, AuditInput]:
    """Start an audit as POST /audits does, then close it (no Temporal answers its progress)."""
    temporal = StartedWorkflows()
    settings = Settings(database_url=api.url, temporal_port=1)
    body = AuditCreate.model_validate(
        {"property_id": pid, "surfaces": ["openai"], "asker_location": location}
    )

    async def run(sessions: Sessions) -> str:
        async with sessions() as session:
            prop = await session.get(Property, uuid.UUID(pid))
            assert prop is not None
            started = await begin_audit(session, temporal, settings, prop, body)  # type: ignore[arg-type]
            await session.execute(
                update(Audit).where(Audit.id == started.audit.id).values(status="cancelled")
            )
            await session.commit()
            return str(started.audit.id)

    audit_id = api.seed(run)
    [inp] = temporal.inputs
    return audit_id, inp


def test_a_start_stores_the_location_and_the_audit_shows_it(api: Api) -> None:
    pid = property_with_panel(api)
    located, inp = start(api, pid, LOCATION)
    # The workflow asks from there: its input carries the place, which the runs inherit.
    assert inp.asker_location == AskerLocation.model_validate(STORED)
    shown = api.client.get(f"/audits/{located}").json()
    assert shown["asker_location"] == STORED
    nowhere, inp = start(api, pid, None)
    assert inp.asker_location is None
    listed = {
        a["audit_id"]: a for a in api.client.get("/audits", params={"property_id": pid}).json()
    }
    assert listed[located]["asker_location"] == STORED
    assert listed[nowhere]["asker_location"] is None
