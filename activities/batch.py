"""Audit-level state: status changes and batch completion, recorded exactly once."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import metrics
from contracts.audit import BatchResult, CompleteBatchInput, SetPausedInput, SetStatusInput
from contracts.status import FINAL_AUDIT_STATUSES
from db import audits
from db.models import Audit


class BatchActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn
    async def set_audit_status(self, inp: SetStatusInput) -> None:
        async with self._sessions() as session, session.begin():
            before = await session.scalar(
                select(Audit.status).where(Audit.id == uuid.UUID(inp.audit_id))
            )
            await audits.set_status(
                session,
                uuid.UUID(inp.audit_id),
                inp.status,
                run_ids=[uuid.UUID(r) for r in inp.run_ids],
                error_message=inp.error_message,
            )
        # Counted once: a retry finds the audit already closed.
        if inp.status in FINAL_AUDIT_STATUSES and before not in (None, *FINAL_AUDIT_STATUSES):
            metrics.audit_finished(inp.status)

    @activity.defn
    async def set_audit_paused(self, inp: SetPausedInput) -> None:
        async with self._sessions() as session, session.begin():
            await audits.set_paused(
                session,
                paused=inp.paused,
                audit_id=uuid.UUID(inp.audit_id or ""),
                reason=inp.reason,
            )

    @activity.defn
    async def complete_batch(self, inp: CompleteBatchInput) -> BatchResult:
        """Close runs a child could not close itself, then record the batch's status once."""
        async with self._sessions() as session, session.begin():
            for outcome in inp.outcomes:
                await audits.close_run(
                    session, uuid.UUID(outcome.run_id), outcome.status, outcome.error_message
                )
            try:
                status, recorded = await audits.complete_batch(session, uuid.UUID(inp.audit_id))
            except LookupError as exc:  # deleted with its property while closing
                raise ApplicationError(str(exc), type="NotFound", non_retryable=True) from None
        if recorded:
            metrics.audit_finished(status)
        return BatchResult(
            audit_id=inp.audit_id,
            status=status,  # type: ignore[arg-type]
            recorded_now=recorded,
        )
