"""A portfolio's rows (db.portfolio): each property's newest audit and newest closed one, and
the runs its combined score reads, the same score as from its whole history; in the same
number of statements for 3 properties as for 30."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, select, update

from api.services.trends import combined_score
from db import trends
from db.models import Property, Score
from db.portfolio import holdings
from tests.factories import AuditSpec, Sessions, block, new_audit, new_property

T0 = datetime(2026, 11, 1, tzinfo=UTC)
Q = "Best apartments in North Park"
FIRST = block(["AMLI Aero", "Vista Park"], cites=["amli.com"])
THIRD = block(["Vista Park", "The Grove", "AMLI Aero"])
MISSED = block(["Vista Park"])


def spec(day: int, status: str = "completed", **answers: Any) -> AuditSpec:
    return AuditSpec(
        answers={s: {Q: a} for s, a in answers.items()},
        status=status,
        created_at=T0 + timedelta(days=day),
        run_status={"claude": "failed"} if status == "partial" else {},
    )


@contextmanager
def statements(sessions: Sessions) -> Iterator[list[str]]:
    """The SQL statements sent through `sessions`' engine while inside."""
    engine = sessions.kw["bind"].sync_engine
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def test_newest_audit_newest_closed_one_and_the_runs_the_score_reads(
    sessions: Sessions,
) -> None:
    prop = await new_property(sessions, [Q])
    await new_audit(sessions, prop, spec(0, openai=THIRD, claude=FIRST))
    partial = await new_audit(sessions, prop, spec(1, "partial", openai=FIRST, claude=MISSED))
    running = await new_audit(sessions, prop, spec(2, "running", openai=FIRST))
    never = await new_property(sessions, [Q], name="Vista Park")

    async with sessions() as s:
        found = {h.prop.id: h for h in await holdings(s, select(Property))}
        history = await trends.property_runs(s, prop)

    held = found[prop]
    assert held.latest is not None and held.latest.id == running
    assert held.closed is not None and held.closed.id == partial
    assert {r.surface for r in held.latest.runs} == {"openai"}  # loaded with its runs
    # openai: the partial audit's run and the first one; claude failed in the partial audit,
    # so its latest completed run is the first audit's.
    assert sorted(r.surface for r in held.runs) == ["claude", "openai", "openai"]
    assert combined_score(prop, held.runs) == combined_score(prop, history)
    assert found[never].runs == [] and found[never].latest is None and found[never].closed is None


async def test_the_trend_skips_runs_scored_by_other_rules_as_the_full_history_does(
    sessions: Sessions,
) -> None:
    prop = await new_property(sessions, [Q])
    for day, answer in enumerate((FIRST, MISSED, THIRD)):
        await new_audit(sessions, prop, spec(day, openai=answer))
    async with sessions() as s, s.begin():
        runs = await trends.property_runs(s, prop)  # newest first
        versions = {runs[0].id: 2, runs[1].id: 1, runs[2].id: 2}
        for run_id, version in versions.items():
            await s.execute(
                update(Score).where(Score.run_id == run_id).values(scoring_version=version)
            )

    async with sessions() as s:
        (held,) = await holdings(s, select(Property))
        history = await trends.property_runs(s, prop)

    assert [r.id for r in held.runs] == [runs[0].id, runs[2].id]
    mine, full = combined_score(prop, held.runs), combined_score(prop, history)
    assert full.trend is not None and mine.trend == full.trend
    assert mine.model_copy(update={"message": None}) == full.model_copy(update={"message": None})


async def test_only_the_properties_the_statement_selects_in_its_order(sessions: Sessions) -> None:
    names = ["Canyon View", "Aero", "Bayside"]
    ids = {n: await new_property(sessions, [Q], name=n) for n in names}
    for n in names:
        await new_audit(sessions, ids[n], spec(0, openai=FIRST))
    stmt = select(Property).where(Property.name != "Bayside").order_by(Property.name)
    async with sessions() as s:
        found = await holdings(s, stmt)
    assert [h.prop.name for h in found] == ["Aero", "Canyon View"]
    assert all(len(h.runs) == 1 and h.runs[0].property_id == h.prop.id for h in found)


async def _portfolio_of(sessions: Sessions, size: int) -> list[uuid.UUID]:
    made = []
    for n in range(size):
        prop = await new_property(sessions, [Q], name=f"Property {n:02d}")
        await new_audit(sessions, prop, spec(0, openai=THIRD))
        await new_audit(sessions, prop, spec(1, openai=FIRST))
        made.append(prop)
    return made


async def _statements_for(sessions: Sessions, ids: list[uuid.UUID]) -> int:
    stmt = select(Property).where(Property.id.in_(ids))
    async with sessions() as s:
        with statements(sessions) as sent:
            found = await holdings(s, stmt)
            # Everything the roll-up reads is loaded: no statement afterwards.
            for h in found:
                combined_score(h.prop.id, h.runs)
                assert h.latest is not None
                _ = [r.score for r in h.latest.runs]
    assert len(found) == len(ids)
    return len(sent)


async def test_three_properties_or_thirty_the_same_statements(sessions: Sessions) -> None:
    few = await _portfolio_of(sessions, 3)
    many = await _portfolio_of(sessions, 30)
    assert await _statements_for(sessions, few) == await _statements_for(sessions, many) == 5


async def test_no_property_no_more_statements(sessions: Sessions) -> None:
    async with sessions() as s:
        with statements(sessions) as sent:
            assert await holdings(s, select(Property).where(Property.name == "none")) == []
    assert len(sent) == 1
