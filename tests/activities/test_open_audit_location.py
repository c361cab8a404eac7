"""A scheduled start's `open_audit` keeps the asker's location: on the audit's row, and in the
input the workflow then runs with (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from temporalio.testing import ActivityEnvironment

from activities.planning import PlanningActivities
from contracts.audit import OpenAuditInput
from db.models import Audit
from geo.location import AskerLocation
from tests.factories import Sessions, new_property, surface

AUSTIN = AskerLocation(city="Austin", region="TX", country="US", timezone="America/Chicago")


async def test_a_scheduled_audit_is_opened_with_its_location(sessions: Sessions) -> None:
    pid = await new_property(sessions, ["Best lofts in Austin"])
    planning = PlanningActivities(sessions, {"openai": surface("openai")})
    audit_id = str(uuid.uuid4())
    inp = OpenAuditInput(
        audit_id=audit_id,
        workflow_id=f"audit-scheduled-{pid}-1",
        property_id=str(pid),
        surfaces=["openai"],
        asker_location=AUSTIN,
    )
    env = ActivityEnvironment()
    opened = await env.run(planning.open_audit, inp)
    assert opened.asker_location == AUSTIN
    # A retry finds the audit it made, location and all.
    assert (await env.run(planning.open_audit, inp)).asker_location == AUSTIN
    async with sessions() as s:
        stored = await s.scalar(select(Audit.asker_location).where(Audit.id == uuid.UUID(audit_id)))
    assert stored == AUSTIN.model_dump(mode="json")


async def test_without_a_location_the_row_says_none(sessions: Sessions) -> None:
    pid = await new_property(sessions, ["Best lofts in Austin"])
    planning = PlanningActivities(sessions, {"openai": surface("openai")})
    inp = OpenAuditInput(
        audit_id=str(uuid.uuid4()), workflow_id="w", property_id=str(pid), surfaces=["openai"]
    )
    opened = await ActivityEnvironment().run(planning.open_audit, inp)
    assert opened.asker_location is None
    async with sessions() as s:
        assert await s.scalar(select(Audit.asker_location)) is None
