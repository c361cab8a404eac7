"""Audits (db.audits): opened with a queued run per surface over the active panel, closed as
their runs ended (once), paused and resumed while open, found by idempotency key, deleted."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, update

from contracts.names import audit_workflow_id, surface_workflow_id
from contracts.status import RunStatus
from db import audits
from db.models import Answer, Audit, CitationRow, Property, Query, Run, Score
from surfaces.capabilities import WebSearchStyle
from surfaces.config import SurfaceConfig
from tests.factories import AuditSpec, Sessions, block, new_audit, new_property, surface

QUESTIONS = ["q one", "q two", "q three"]
HIT = block(["AMLI Aero"], cites=["amli.com"])


async def open_audit(sessions: Sessions, request: audits.AuditRequest) -> Audit:
    async with sessions() as s, s.begin():
        await audits.open_audit(s, request)
    async with sessions() as s:
        audit = await audits.get_audit(s, request.audit_id)
    assert audit is not None
    return audit


async def test_an_audit_opens_a_queued_run_per_surface_over_the_active_panel(
    sessions: Sessions,
) -> None:
    property_id = await new_property(sessions, QUESTIONS)
    async with sessions() as s, s.begin():
        await s.execute(update(Query).where(Query.text == "q two").values(is_active=False))
    request = audits.AuditRequest(
        property_id=property_id,
        surfaces=[surface("openai", "gpt-5.5"), surface("anthropic", "claude-sonnet-5-5")],
        samples_per_query=3,
    )

    audit = await open_audit(sessions, request)

    audit_id = str(request.audit_id)
    assert (audit.status, audit.surfaces, audit.batch_size) == (
        "queued",
        ["openai", "anthropic"],
        2,
    )
    assert (audit.query_count, audit.workflow_id) == (2, audit_workflow_id(audit_id))
    assert [(r.surface, r.model_name, r.status, r.workflow_id) for r in audit.runs] == [
        ("anthropic", "claude-sonnet-5-5", "queued", surface_workflow_id(audit_id, "anthropic")),
        ("openai", "gpt-5.5", "queued", surface_workflow_id(audit_id, "openai")),
    ]
    assert {(r.query_count, r.total_asks, r.batch_size) for r in audit.runs} == {(2, 6, 2)}
    # A Schedule names the audit's workflow itself.
    scheduled = audits.AuditRequest(
        property_id=property_id, surfaces=[surface("openai")], workflow_id="audit-scheduled-x-1"
    )
    assert (await open_audit(sessions, scheduled)).workflow_id == "audit-scheduled-x-1"


def searching(name: str, style: WebSearchStyle) -> SurfaceConfig:
    return surface(name).model_copy(update={"web_search": style})


async def test_a_run_searches_only_where_its_surface_can(sessions: Sessions) -> None:
    property_id = await new_property(sessions, QUESTIONS)
    styles: list[tuple[str, WebSearchStyle]] = [
        ("a-none", "none"),
        ("b-tool", "responses_tool"),
        ("c-always", "always"),
    ]
    surfaces = [searching(name, style) for name, style in styles]
    searches = {}
    for asked in (True, False):
        request = audits.AuditRequest(property_id=property_id, surfaces=surfaces, web_search=asked)
        audit = await open_audit(sessions, request)
        searches[asked] = [r.uses_web_search for r in audit.runs]

    # A surface without search never searches; one that always searches always does.
    assert searches == {True: [False, True, True], False: [False, False, True]}


async def test_a_property_without_an_active_question_cannot_open_an_audit(
    sessions: Sessions,
) -> None:
    property_id = await new_property(sessions, QUESTIONS)
    async with sessions() as s, s.begin():
        await s.execute(update(Query).values(is_active=False))

    with pytest.raises(audits.NoActiveQueries):
        await open_audit(
            sessions, audits.AuditRequest(property_id=property_id, surfaces=[surface("openai")])
        )
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Audit)) == 0


@pytest.mark.parametrize(
    ("runs", "status"),
    [
        (["completed", "completed"], "completed"),
        (["completed", "failed"], "partial"),
        (["failed", "failed"], "failed"),
        (["cancelled", "completed"], "cancelled"),
        (["cancelled", "failed"], "failed"),
        (["cancelled", "completed", "failed"], "partial"),
        ([], "failed"),
    ],
)
def test_a_batch_is_complete_when_every_run_completed_failed_when_none_did(
    runs: list[str], status: str
) -> None:
    assert audits.batch_status(runs) == status


async def test_completing_a_batch_takes_its_status_from_its_runs_and_is_recorded_once(
    sessions: Sessions,
) -> None:
    property_id = await new_property(sessions, QUESTIONS[:1])
    spec = AuditSpec(
        answers={"openai": {"q one": HIT}, "anthropic": {"q one": HIT}},
        status="running",
        run_status={"openai": "completed", "anthropic": "failed"},
    )
    audit_id = await new_audit(sessions, property_id, spec)

    async with sessions() as s, s.begin():
        first = await audits.complete_batch(s, audit_id)
    async with sessions() as s, s.begin():
        await s.execute(update(Run).values(status=RunStatus.COMPLETED))  # too late to count
        again = await audits.complete_batch(s, audit_id)
        audit = await audits.get_audit(s, audit_id)

    assert (first, again) == (("partial", True), ("partial", False))
    assert audit is not None and audit.status == "partial"
    assert audit.batch_completed_at is not None and audit.finished_at is not None
    async with sessions() as s, s.begin():
        with pytest.raises(LookupError):
            await audits.complete_batch(s, uuid.uuid4())


async def test_pausing_flips_an_open_audit_and_run_and_leaves_closed_ones_alone(
    sessions: Sessions,
) -> None:
    property_id = await new_property(sessions, QUESTIONS[:1])
    running = await new_audit(
        sessions, property_id, AuditSpec(answers={"openai": {}}, status="running")
    )
    closed = await new_audit(sessions, property_id, AuditSpec(answers={"openai": {}}))

    async def states() -> list[tuple[str, str | None, str]]:
        async with sessions() as s:
            found = await audits.audits_by_ids(s, [running, closed])
        return [(a.status, a.pause_reason, a.runs[0].status) for a in found]

    async def pause(paused: bool, reason: str | None = None) -> None:
        async with sessions() as s, s.begin():
            for audit_id in (running, closed):
                audit = await audits.get_audit(s, audit_id)
                assert audit is not None
                await audits.set_paused(
                    s, paused=paused, audit_id=audit_id, run_id=audit.runs[0].id, reason=reason
                )

    await pause(True, "budget")
    assert await states() == [("paused", "budget", "paused"), ("completed", None, "completed")]
    await pause(False)
    assert await states() == [("running", None, "running"), ("completed", None, "completed")]


async def test_an_idempotency_key_finds_the_audit_it_opened_for_its_property_only(
    sessions: Sessions,
) -> None:
    property_id = await new_property(sessions, QUESTIONS[:1])
    other = await new_property(sessions, QUESTIONS[:1], name="Vista Park")
    request = audits.AuditRequest(
        property_id=property_id, surfaces=[surface("openai")], idempotency_key="nightly-1"
    )
    await open_audit(sessions, request)

    async with sessions() as s:
        found = await audits.find_by_idempotency_key(s, property_id, "nightly-1")
        elsewhere = await audits.find_by_idempotency_key(s, other, "nightly-1")
        unknown = await audits.find_by_idempotency_key(s, property_id, "nightly-2")
    assert found is not None and found.id == request.audit_id
    assert [r.surface for r in found.runs] == ["openai"]
    assert (elsewhere, unknown) == (None, None)


async def test_deleting_an_audit_removes_its_runs_answers_citations_and_scores(
    sessions: Sessions,
) -> None:
    property_id = await new_property(sessions, QUESTIONS[:1])
    spec = AuditSpec(answers={"openai": {"q one": HIT}})
    doomed, kept = [await new_audit(sessions, property_id, spec) for _ in range(2)]

    async with sessions() as s, s.begin():
        await audits.delete_audit(s, doomed)

    async with sessions() as s:
        counts = {
            table.__name__: await s.scalar(select(func.count()).select_from(table))
            for table in (Audit, Run, Answer, CitationRow, Score, Property, Query)
        }
        assert await audits.get_audit(s, kept) is not None
    # What the other audit stored stays, and so do the property and its panel.
    assert counts == {
        "Audit": 1,
        "Run": 1,
        "Answer": 1,
        "CitationRow": 1,
        "Score": 1,
        "Property": 1,
        "Query": 1,
    }


async def test_deleting_an_audits_last_run_deletes_the_audit(sessions: Sessions) -> None:
    property_id = await new_property(sessions, QUESTIONS[:1])
    spec = AuditSpec(answers={"openai": {"q one": HIT}, "anthropic": {"q one": HIT}})
    audit_id = await new_audit(sessions, property_id, spec)
    async with sessions() as s:
        audit = await audits.get_audit(s, audit_id)
    assert audit is not None

    remaining = []
    for run in audit.runs:
        async with sessions() as s, s.begin():
            await audits.delete_run(s, run.id, audit_id)
            remaining.append(await audits.get_audit(s, audit_id) is not None)

    assert remaining == [True, False]
