"""Reading a batch for analysis (db.analysis): the usable answers of each run, the brand, the
audit to compare with, and insights, summaries and alerts written once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from contracts.status import RunStatus
from db import analysis, audits, runs
from db.models import Audit
from geo.scoring import SCORING_VERSION
from tests.factories import (
    AuditSpec,
    Sessions,
    block,
    new_audit,
    new_property,
    opened_audit,
    store_answer,
    store_error,
)

T0 = datetime(2026, 11, 1, tzinfo=UTC)
HIT = block(["AMLI Aero", "Vista Park"], cites=["amli.com", "apartments.com"])


async def test_insights_a_summary_and_an_alert_are_each_written_once(sessions: Sessions) -> None:
    audit = await opened_audit(sessions, ["q one"])
    written, marked = [], []
    for n in (1, 2):  # a retry, or a race, keeps the first
        async with sessions() as s, s.begin():
            written.append(await analysis.store_once(s, audit.audit_id, "summary", {"n": n}))
            written.append(await analysis.store_once(s, audit.audit_id, "insights", {"i": n}))
            marked.append(await analysis.mark_alert_sent(s, audit.audit_id))

    assert written == [{"n": 1}, {"i": 1}, {"n": 1}, {"i": 1}]
    assert marked == [True, False]
    async with sessions() as s:
        stored = await s.get(Audit, audit.audit_id)
    assert stored is not None
    assert (stored.summary, stored.insights) == ({"n": 1}, {"i": 1})
    assert stored.alert_sent_at is not None


async def test_the_previous_audit_is_the_last_closed_one_before_scored_by_the_same_rules(
    sessions: Sessions,
) -> None:
    property_id = await new_property(sessions, ["q one"])
    other = await new_property(sessions, ["q one"], name="Vista Park")

    async def at(day: int, status: str = "completed", prop: uuid.UUID = property_id) -> uuid.UUID:
        spec = AuditSpec(
            answers={"openai": {"q one": HIT}}, status=status, created_at=T0 + timedelta(days=day)
        )
        return await new_audit(sessions, prop, spec)

    first = await at(0)
    partial = await at(1, "partial")
    old_rules = await at(2)
    await at(3, "failed")
    await at(4, prop=other)
    current = await at(5)
    await at(6)  # after it
    async with sessions() as s, s.begin():
        await s.execute(
            update(Audit).where(Audit.id == old_rules).values(scoring_version=SCORING_VERSION - 1)
        )

    async with sessions() as s:
        found = {}
        for audit_id in (current, first):
            audit = await audits.get_audit(s, audit_id)
            assert audit is not None
            found[audit_id] = await analysis.previous_audit(s, audit)

    before = found[current]
    assert before is not None and before.id == partial
    assert found[first] is None


async def test_surface_facts_read_each_runs_usable_answers_with_their_citations(
    sessions: Sessions,
) -> None:
    opened = await opened_audit(sessions, ["q one", "q two"])
    await store_answer(sessions, opened.ask("q one"), HIT)
    await store_error(sessions, opened.ask("q two"))
    async with sessions() as s, s.begin():
        _, score = await runs.finish_run(
            s, opened.runs["openai"], status=RunStatus.COMPLETED, error_message=None
        )

    async with sessions() as s:
        audit = await audits.get_audit(s, opened.audit_id)
        assert audit is not None
        (facts,) = await analysis.surface_facts(s, audit)

    assert (facts.surface, facts.status) == ("openai", "completed")
    assert (facts.overall_score, facts.visibility_pct) == (
        score.overall_score,
        score.visibility_pct,
    )
    (answer,) = facts.answers  # the error is not an answer
    assert (answer.query_text, answer.presence, answer.llm_rank) == ("q one", True, 1)
    assert [e.name for e in answer.entities] == ["AMLI Aero", "Vista Park"]
    assert answer.citation_domains == ["amli.com", "apartments.com"]
    assert answer.brand_citations == [True, False]


async def test_the_brand_is_the_propertys_and_empty_once_the_property_is_gone(
    sessions: Sessions,
) -> None:
    property_id = await new_property(sessions, ["q one"])
    async with sessions() as s:
        brand = await analysis.brand_of(s, property_id)
        gone = await analysis.brand_of(s, uuid.uuid4())
    assert (brand.name, brand.domains, brand.city, brand.state) == (
        "AMLI Aero",
        ["amli.com"],
        "San Diego",
        "CA",
    )
    assert (gone.name, gone.domains) == ("", [])
