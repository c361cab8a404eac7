"""Re-scoring stored answers with today's rules: no LLM call, only the database."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from contracts.audit import AuditRef
from contracts.rescore import (
    AuditToRescore,
    RescorePage,
    RescorePageInput,
    RescoreRunInput,
    RunRescoreResult,
)
from db import rescoring
from db.analysis import brand_of
from db.models import Run
from db.rows import from_row


class RescoringActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn
    async def rescore_page(self, inp: RescorePageInput) -> RescorePage:
        """The next page of the target's closed audits and the runs of each to re-score."""
        after = (
            (datetime.fromisoformat(inp.cursor[0]), uuid.UUID(inp.cursor[1]))
            if inp.cursor
            else None
        )
        target = uuid.UUID(inp.target_id) if inp.target_id else None
        async with self._sessions() as session:
            page = await rescoring.target_audits(session, inp.kind, target, after, inp.limit)
        return RescorePage(
            audits=[
                AuditToRescore(audit_id=str(a), run_ids=[str(r) for r in runs])
                for a, runs in page.audits
            ],
            next_cursor=(page.next_cursor[0].isoformat(), str(page.next_cursor[1]))
            if page.next_cursor
            else None,
            open_audits=page.open_audits,
        )

    @activity.defn
    async def rescore_run(self, inp: RescoreRunInput) -> RunRescoreResult:
        """Every answer of the run and its score, from what was stored, in one transaction."""
        run_id = uuid.UUID(inp.run_id)
        async with self._sessions() as session, session.begin():
            property_id = await session.scalar(select(Run.property_id).where(Run.id == run_id))
            if property_id is None:
                return RunRescoreResult(run_id=inp.run_id, answers=0, changed=0)
            done = await rescoring.rescore_run(
                session, run_id, await brand_of(session, property_id)
            )
        return from_row(RunRescoreResult, done, run_id=inp.run_id)

    @activity.defn
    async def reanalyze_audit(self, inp: AuditRef) -> bool:
        """The batch's cross-model analysis again, over its re-scored answers."""
        async with self._sessions() as session, session.begin():
            return await rescoring.reanalyze_audit(session, uuid.UUID(inp.audit_id))
