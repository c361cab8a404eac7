"""Re-analysing an audit after a re-scoring works out again who overtook the property, against
the audit before it re-scored to the same rules; overtakes appearing where they were never
worked out are no revision of the analysis, a change in them is."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select, update

from db.models import Audit, Revision
from db.rescoring import reanalyze_audit
from geo.scoring import SCORING_VERSION
from tests.db.overtaken_audits import OVERTAKEN
from tests.db.rival_audits import three_audits
from tests.factories import Sessions


async def reanalyse(sessions: Sessions, ids: list[uuid.UUID]) -> list[Any]:
    """Each audit re-analysed, oldest first (as the Rescore workflow goes): their overtakes."""
    for audit_id in ids:
        async with sessions() as s, s.begin():
            assert await reanalyze_audit(s, audit_id)
    async with sessions() as s:
        rows = (await s.execute(select(Audit.id, Audit.insights).where(Audit.id.in_(ids)))).all()
    found = {audit_id: insights["overtaken"] for audit_id, insights in rows}
    return [found[a] for a in ids]


async def revisions(sessions: Sessions) -> int:
    async with sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(Revision)) or 0)


async def test_re_analysing_stores_the_overtakes(sessions: Sessions) -> None:
    _, ids = await three_audits(sessions)  # analysed before overtakes were stored
    assert await reanalyse(sessions, ids) == [[], [], OVERTAKEN]
    assert await revisions(sessions) == 0  # nothing else of the analyses changed

    async with sessions() as s, s.begin():  # an analysis whose overtakes differ from today's
        insights = dict(await s.scalar(select(Audit.insights).where(Audit.id == ids[2])) or {})
        await s.execute(
            update(Audit).where(Audit.id == ids[2]).values(insights={**insights, "overtaken": []})
        )
    assert (await reanalyse(sessions, ids[2:]))[0] == OVERTAKEN
    assert await revisions(sessions) == 1


async def test_the_audit_before_is_the_one_re_scored_to_the_same_rules(
    sessions: Sessions,
) -> None:
    # Scored by older rules: their answers re-scored to today's, their analyses not yet.
    _, ids = await three_audits(sessions)
    async with sessions() as s, s.begin():
        await s.execute(
            update(Audit).where(Audit.id.in_(ids)).values(scoring_version=SCORING_VERSION - 1)
        )
    assert await reanalyse(sessions, ids) == [[], [], OVERTAKEN]
