"""A property's history (db.trends): closed audits newest first, runs over time, cited domains
over audits, and purging that spares audits still running."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from db import trends
from db.models import Answer, Audit, Run
from tests.factories import AuditSpec, Sessions, block, new_audit, new_property

T0 = datetime(2026, 11, 1, tzinfo=UTC)
HIT = block(["AMLI Aero", "Vista Park"], cites=["amli.com", "apartments.com"])
BOTH = {"openai": {"q one": HIT}, "anthropic": {"q one": HIT}}


async def audit_at(
    sessions: Sessions, property_id: uuid.UUID, day: int, status: str = "completed"
) -> uuid.UUID:
    spec = AuditSpec(
        answers={"openai": {"q one": HIT}}, status=status, created_at=T0 + timedelta(days=day)
    )
    return await new_audit(sessions, property_id, spec)


async def test_closed_audits_are_the_completed_and_partial_ones_newest_first(
    sessions: Sessions,
) -> None:
    property_id = await new_property(sessions, ["q one"])
    other = await new_property(sessions, ["q one"], name="Vista Park")
    completed = await audit_at(sessions, property_id, 0)
    partial = await audit_at(sessions, property_id, 1, "partial")
    for day, status in ((2, "failed"), (3, "cancelled"), (4, "running")):
        await audit_at(sessions, property_id, day, status)
    await audit_at(sessions, other, 5)

    async with sessions() as s:
        every = await trends.closed_audits(s, property_id, limit=10)
        newest = await trends.closed_audits(s, property_id, limit=1)
        latest = await trends.latest_closed_audit(s, property_id)

    assert [a.id for a in every] == [partial, completed]
    assert [a.id for a in newest] == [partial]
    assert latest is not None and latest.id == partial
    assert latest.runs[0].score is not None  # loaded with the audit


async def test_a_propertys_runs_are_newest_first_and_filtered_by_surface(
    sessions: Sessions,
) -> None:
    property_id = await new_property(sessions, ["q one"])
    older = await new_audit(sessions, property_id, AuditSpec(answers=BOTH))
    newer = await new_audit(sessions, property_id, AuditSpec(answers=BOTH))

    async with sessions() as s:
        every = await trends.property_runs(s, property_id)
        openai = await trends.property_runs(s, property_id, "openai")

    assert len(every) == 4 and {r.surface for r in every} == {"openai", "anthropic"}
    assert [(r.batch_id, r.surface) for r in openai] == [(newer, "openai"), (older, "openai")]
    assert all(r.score is not None for r in openai)


async def test_a_domain_timeline_counts_citations_and_the_audits_that_cited_each_domain(
    sessions: Sessions,
) -> None:
    property_id = await new_property(sessions, ["q one"])
    first = await audit_at(sessions, property_id, 0)
    only_brand = {"openai": {"q one": block(["AMLI Aero"], cites=["amli.com"])}}
    second = await new_audit(
        sessions, property_id, AuditSpec(answers=only_brand, created_at=T0 + timedelta(days=7))
    )

    async with sessions() as s:
        timeline = {h.domain: h for h in await trends.domain_timeline(s, property_id)}

    assert {d: (h.citations, h.is_brand) for d, h in timeline.items()} == {
        "amli.com": (2, True),
        "apartments.com": (1, False),
    }
    assert timeline["amli.com"].audits == {first: T0, second: T0 + timedelta(days=7)}
    assert list(timeline["apartments.com"].audits) == [first]


async def test_purging_deletes_closed_audits_runs_and_spares_an_audit_still_running(
    sessions: Sessions,
) -> None:
    property_id = await new_property(sessions, ["q one"])
    closed = await new_audit(sessions, property_id, AuditSpec(answers=BOTH))
    # Still running, with one of its runs already finished: it keeps both.
    running = await new_audit(
        sessions,
        property_id,
        AuditSpec(answers=BOTH, status="running", run_status={"openai": "completed"}),
    )

    async def purge(surfaces: list[str] | None) -> tuple[int, int]:
        async with sessions() as s, s.begin():
            return await trends.purge_runs(s, property_id, surfaces)

    assert await purge(["openai"]) == (1, 0)  # the closed audit keeps its other run
    assert await purge(None) == (1, 1)
    async with sessions() as s:
        left = (await s.execute(select(Run.batch_id, Run.surface).order_by(Run.surface))).all()
        audits_left = (await s.scalars(select(Audit.id))).all()
        answers_left = await s.scalar(select(func.count()).select_from(Answer))
    assert left == [(running, "anthropic"), (running, "openai")]
    assert list(audits_left) == [running] and closed not in audits_left
    assert answers_left == 2
