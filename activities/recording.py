"""Writing a run's progress and answers; each activity is idempotent under retries."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.paid_calls import ChargeUnusable, UnusableCall
from contracts.asking import (
    AskResult,
    FinishRunInput,
    RecordAnswerInput,
    RecordErrorInput,
    RecordResult,
    StartRunInput,
)
from contracts.audit import RunOutcome, SetPausedInput
from db import answers, audits, runs
from db.models import Run
from db.progress import Recorded
from geo.rescoring import location_stated
from geo.scoring import Evidence, score_answer


@asynccontextmanager
async def run_must_exist(
    sessions: async_sessionmaker[AsyncSession], run_id: str
) -> AsyncIterator[None]:
    """A run deleted under its workflow (its audit or property was deleted) fails the activity
    for good instead of retrying a write that can never succeed."""
    try:
        yield
    except (IntegrityError, runs.RunGone):
        async with sessions() as session:
            exists = await session.scalar(select(Run.id).where(Run.id == uuid.UUID(run_id)))
        if exists is None:
            raise ApplicationError(
                f"run {run_id} no longer exists (its audit or property was deleted)",
                type="NotFound",
                non_retryable=True,
            ) from None
        raise


def _result(recorded: Recorded) -> RecordResult:
    """What the workflow learns back: the run's progress and what the audit has cost so far."""
    return RecordResult(**asdict(recorded))


def evidence_of(answer: AskResult) -> Evidence | None:
    """Natural mode's evidence: the prose a renter read and the pages its search showed."""
    if answer.natural_response is None:
        return None
    return Evidence(
        prose=answer.natural_response,
        source_urls=[c.url for c in answer.block.citations if c.origin == "search"],
    )


async def store_answer(
    sessions: async_sessionmaker[AsyncSession], inp: RecordAnswerInput
) -> RecordResult:
    """Score and store one answer; a repeat of the same (run, query, sample) stores nothing."""
    answer = inp.answer
    scored = score_answer(
        answer.block,
        inp.brand,
        location_stated=location_stated(answer.analysis),
        evidence=evidence_of(answer),
    )
    async with run_must_exist(sessions, inp.ask.run_id), sessions() as session, session.begin():
        recorded = await answers.record_answer(
            session,
            inp.ask,
            block=answer.block,
            scored=scored,
            usage=answer.usage,
            raw_text=answer.text,
            analysis_method=answer.analysis_method,
            natural_response=answer.natural_response,
            analysis=answer.analysis,
        )
    return _result(recorded)


def unusable_charger(sessions: async_sessionmaker[AsyncSession]) -> ChargeUnusable:
    """Charge a run for a paid but unusable answer. A database that is away must not turn an
    unusable answer into a different failure: the charge is then only logged."""

    async def charge(call: UnusableCall) -> None:
        try:
            async with sessions() as session, session.begin():
                await answers.record_unusable(
                    session,
                    run_id=uuid.UUID(call.charge.run_id),
                    query_id=uuid.UUID(call.charge.query_id),
                    sample=call.charge.sample,
                    phase=call.charge.phase,
                    attempt=call.attempt,
                    usage=call.usage,
                    reason=call.reason,
                )
        except Exception as exc:  # noqa: BLE001 - the answer's own failure is what matters
            activity.logger.warning(
                "could not charge an unusable answer ($%.6f): %s", call.usage.cost_usd, exc
            )

    return charge


class RecordingActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn
    async def start_run(self, inp: StartRunInput) -> None:
        async with run_must_exist(self._sessions, inp.run_id):
            async with self._sessions() as session, session.begin():
                await runs.start_run(
                    session,
                    uuid.UUID(inp.run_id),
                    model=inp.model,
                    query_count=inp.query_count,
                    total_asks=inp.total_asks,
                )

    @activity.defn
    async def set_run_paused(self, inp: SetPausedInput) -> None:
        async with self._sessions() as session, session.begin():
            await audits.set_paused(session, paused=inp.paused, run_id=uuid.UUID(inp.run_id or ""))

    @activity.defn
    async def record_answer(self, inp: RecordAnswerInput) -> RecordResult:
        """Store an answer its asking activity could not store (the database was away)."""
        return await store_answer(self._sessions, inp)

    @activity.defn
    async def record_query_error(self, inp: RecordErrorInput) -> RecordResult:
        async with run_must_exist(self._sessions, inp.ask.run_id):
            async with self._sessions() as session, session.begin():
                recorded = await answers.record_error(
                    session, inp.ask, error=inp.error, usage=inp.paid or answers.NO_USAGE
                )
        return _result(recorded)

    @activity.defn
    async def finish_run(self, inp: FinishRunInput) -> RunOutcome:
        """Aggregate the run's answers into its score and close it."""
        async with run_must_exist(self._sessions, inp.run_id):
            async with self._sessions() as session, session.begin():
                run, score = await runs.finish_run(
                    session,
                    uuid.UUID(inp.run_id),
                    status=inp.status,
                    error_message=inp.error_message,
                )
        return RunOutcome(
            surface=run.surface,
            run_id=inp.run_id,
            status=run.status,  # type: ignore[arg-type]
            answered=score.answered,
            errors=score.errors,
            overall_score=score.overall_score if score.answered else None,
            visibility_pct=score.visibility_pct if score.answered else None,
            error_message=run.error_message,
        )
