"""Writing a run's progress and answers; each activity is idempotent under retries."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities.payloads import (
    FinishRunInput,
    QuerySpec,
    RecordAnswerInput,
    RecordErrorInput,
    RecordResult,
    RunOutcome,
    SetPausedInput,
    StartRunInput,
)
from db import audits, runs
from geo.scoring import score_answer


def _query_fields(query: QuerySpec, sample: int, total_asks: int) -> dict[str, Any]:
    return {
        "query_id": uuid.UUID(query.query_id),
        "query_text": query.text,
        "query_type": query.type,
        "query_weight": query.weight,
        "query_index": query.index,
        "sample": sample,
        "total_asks": total_asks,
    }


def _result(recorded: runs.Recorded) -> RecordResult:
    """What the workflow learns back: the run's progress and what the audit has cost so far."""
    return RecordResult(**asdict(recorded))


async def store_answer(
    sessions: async_sessionmaker[AsyncSession], inp: RecordAnswerInput
) -> RecordResult:
    """Score and store one answer; a repeat of the same (run, query, sample) stores nothing."""
    answer = inp.answer
    brand_analysis = (answer.analysis or {}).get("brand_analysis")
    stated = brand_analysis.get("location_stated") if isinstance(brand_analysis, dict) else None
    scored = score_answer(
        answer.block, inp.brand, location_stated=stated if isinstance(stated, str) else None
    )
    run_id = uuid.UUID(inp.run_id)
    async with sessions() as session, session.begin():
        recorded = await runs.record_answer(
            session,
            run_id=run_id,
            **_query_fields(inp.query, inp.sample, inp.total_asks),
            block=answer.block,
            scored=scored,
            raw_text=answer.text,
            model=answer.model,
            input_tokens=answer.input_tokens,
            output_tokens=answer.output_tokens,
            latency_ms=answer.latency_ms,
            attempts=answer.attempt,
            cost_usd=answer.cost_usd,
            analysis_method=answer.analysis_method,
            natural_response=answer.natural_response,
            analysis=answer.analysis,
        )
    return _result(recorded)


class RecordingActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn
    async def start_run(self, inp: StartRunInput) -> None:
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
        run_id = uuid.UUID(inp.run_id)
        async with self._sessions() as session, session.begin():
            recorded = await runs.record_error(
                session,
                run_id=run_id,
                **_query_fields(inp.query, inp.sample, inp.total_asks),
                error=inp.error,
            )
        return _result(recorded)

    @activity.defn
    async def finish_run(self, inp: FinishRunInput) -> RunOutcome:
        """Aggregate the run's answers into its score and close it."""
        async with self._sessions() as session, session.begin():
            run, score = await runs.finish_run(
                session, uuid.UUID(inp.run_id), status=inp.status, error_message=inp.error_message
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
