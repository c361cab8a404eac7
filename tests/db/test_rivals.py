"""Reading a property's audits for its competitors (db.rivals): the audits that compare, their
answers and citations in a fixed number of queries, and who overtook the property."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, update

from db import rivals
from db.audits import get_audit
from db.models import Audit, Property
from tests.db.rival_audits import T0, three_audits
from tests.factories import AuditSpec, Sessions, block, new_audit


@contextmanager
def counting(sessions: Sessions) -> Iterator[list[str]]:
    """The SQL statements run on the sessions' engine meanwhile."""
    engine = sessions.kw["bind"].sync_engine
    statements: list[str] = []

    def seen(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


async def test_the_history_is_the_closed_audits_of_todays_rules_oldest_first(
    sessions: Sessions,
) -> None:
    prop, ids = await three_audits(sessions)
    await new_audit(sessions, prop, AuditSpec({"openai": {"q0": block(["AMLI Aero"])}}, "running"))
    async with sessions() as s:
        history = await rivals.property_history(s, prop, limit=10)
    assert [a.audit_id for a in history.audits] == ids and history.latest == str(ids[-1])
    assert [r.surface for r in history.audits[0].runs] == ["claude", "openai"]
    assert len(history.records) == 3 * 2 * 4
    first = next(
        r
        for r in history.records
        if r.audit_id == str(ids[0]) and r.surface == "openai" and r.entities[0][0] == "Vista Park"
    )
    assert first.entities == (("Vista Park", "vistapark.com"), ("AMLI Aero", "amli.com"))
    assert [x.url for x in first.links] == [
        "https://www.vistapark.com/page",
        "https://www.yelp.com/page",
    ]
    assert (first.presence, first.brand_rank, first.brand_sov) == (True, 2, 0.0)

    async with sessions() as s, s.begin():  # the first audit was scored by older rules
        await s.execute(update(Audit).where(Audit.id == ids[0]).values(scoring_version=1))
    async with sessions() as s:
        later = await rivals.property_history(s, prop, limit=10)
        until = await rivals.property_history(s, prop, limit=10, until=T0 + timedelta(days=8))
        claude = await rivals.property_history(s, prop, limit=1, surface="claude")
    assert [a.audit_id for a in later.audits] == ids[1:]
    assert [a.audit_id for a in until.audits] == [ids[1]]
    assert claude.latest == str(ids[2]) and {r.surface for r in claude.records} == {"claude"}


async def test_reading_more_audits_takes_no_more_queries(sessions: Sessions) -> None:
    prop, _ = await three_audits(sessions)
    async with sessions() as s:
        with counting(sessions) as one:
            await rivals.property_history(s, prop, limit=1)
        with counting(sessions) as three:
            await rivals.property_history(s, prop, limit=3)
    assert len(one) == len(three) == 4
    async with sessions() as s:
        empty = await rivals.property_history(s, uuid.uuid4(), limit=3)
    assert empty.audits == [] and empty.records == [] and empty.latest is None


async def test_the_listed_competitors_that_overtook_the_property(sessions: Sessions) -> None:
    prop_id, ids = await three_audits(sessions)
    async with sessions() as s:
        prop = await s.get(Property, prop_id)
        assert prop is not None
        second, third = await get_audit(s, ids[1]), await get_audit(s, ids[2])
        first = await get_audit(s, ids[0])
        assert first and second and third
        found = await rivals.overtaken_since(s, second, third, prop)
        quiet = await rivals.overtaken_since(s, first, second, prop)
        alone = await rivals.overtaken_since(s, None, third, prop)
    assert [(o.competitor, o.surface, o.visibility, o.property_visibility) for o in found] == [
        ("Vista Park", "openai", 100.0, 50.0),
        ("Modera", "openai", 50.0, 50.0),  # same visibility, better rank: 1.0 against 1.5
    ]
    assert (found[1].avg_rank, found[1].property_avg_rank) == (1.0, 1.5)
    assert quiet == [] and alone == []
