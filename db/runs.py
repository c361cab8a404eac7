"""A surface's run: opening it, and closing it with its score aggregated from the stored
answers (recording the answers themselves is db.answers, their progress db.progress)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from contracts.status import FINAL_RUN_STATUSES, OPEN_RUN_STATUSES, RunStatus
from db.models import Answer, Run, Score, utcnow
from geo.scoring import (
    SCORING_VERSION,
    AnswerScore,
    Breakdown,
    RunScore,
    ScoredAnswer,
    aggregate_run,
)


class RunGone(LookupError):
    """The run was deleted under an audit still writing to it."""


async def start_run(
    session: AsyncSession, run_id: uuid.UUID, *, model: str, query_count: int, total_asks: int
) -> None:
    await session.execute(
        update(Run)
        .where(Run.id == run_id, Run.status.in_(OPEN_RUN_STATUSES))
        .values(
            status=RunStatus.RUNNING,
            model_name=model,
            query_count=query_count,
            total_asks=total_asks,
            started_at=utcnow(),
        )
    )


# What aggregating a run reads of each answer: never its text, entities or citations.
SCORED_COLUMNS = (
    Answer.status,
    Answer.query_id,
    Answer.query_weight,
    Answer.presence,
    Answer.llm_rank,
    Answer.link_rank,
    Answer.sov,
    Answer.flags,
    Answer.score,
    Answer.breakdown,
    Answer.sentiment,
    Answer.scoring_version,
)


def _scored_from_row(answer: Row[Any]) -> ScoredAnswer:
    return ScoredAnswer(
        query_id=str(answer.query_id),
        weight=answer.query_weight,
        score=AnswerScore(
            presence=answer.presence,
            llm_rank=answer.llm_rank,
            link_rank=answer.link_rank,
            sov=answer.sov,
            flags=list(answer.flags or []),
            score=answer.score or 0.0,
            breakdown=Breakdown.model_validate(answer.breakdown or {}),
            sentiment=answer.sentiment,
        ),
    )


async def aggregate_stored(session: AsyncSession, run_id: uuid.UUID) -> tuple[RunScore, int]:
    """The run's score from its stored answers, and the oldest scoring version among them."""
    answers = (await session.execute(select(*SCORED_COLUMNS).where(Answer.run_id == run_id))).all()
    ok = [a for a in answers if a.status == "ok"]
    score = aggregate_run([_scored_from_row(a) for a in ok], errors=len(answers) - len(ok))
    version = min((a.scoring_version for a in ok), default=SCORING_VERSION)
    return score, version


def score_values(score: RunScore, version: int) -> dict[str, object]:
    return {
        "overall_score": score.overall_score,
        "weighted_score": score.weighted_score,
        "visibility_pct": score.visibility_pct,
        "avg_llm_rank": score.avg_llm_rank,
        "avg_link_rank": score.avg_link_rank,
        "avg_sov": score.avg_sov,
        "breakdown": score.breakdown.model_dump(),
        "query_scores": {k: v.model_dump() for k, v in score.query_scores.items()},
        "visibility_ci_low": score.visibility_ci[0] if score.visibility_ci else None,
        "visibility_ci_high": score.visibility_ci[1] if score.visibility_ci else None,
        "sentiment": score.sentiment.model_dump(),
        "answered_count": score.answered,
        "error_count": score.errors,
        "scoring_version": version,
    }


async def write_score(
    session: AsyncSession, run_id: uuid.UUID, values: dict[str, object]
) -> Score | None:
    """Insert or replace the run's score row; returns the row it replaced (None for a first)."""
    existing = await session.scalar(select(Score).where(Score.run_id == run_id))
    if existing is None:
        session.add(Score(run_id=run_id, **values))
        return None
    for key, value in values.items():
        setattr(existing, key, value)
    return existing


async def finish_run(
    session: AsyncSession, run_id: uuid.UUID, *, status: str, error_message: str | None
) -> tuple[Run, RunScore]:
    """Aggregate the stored answers into the run's score and close the run (idempotent)."""
    if await session.scalar(select(Run.id).where(Run.id == run_id)) is None:
        raise RunGone(f"run {run_id} not found")
    score, version = await aggregate_stored(session, run_id)
    if status == RunStatus.COMPLETED and not score.answered and score.errors:
        status, error_message = RunStatus.FAILED, error_message or "every query failed"
    await write_score(session, run_id, score_values(score, version))
    run_values: dict[str, object] = {
        "status": status,
        "finished_at": utcnow(),
        "answers_done": score.answered,
        "errors_count": score.errors,
    }
    if status == RunStatus.COMPLETED:
        run_values["progress_pct"] = 100.0
    if error_message:
        run_values["error_message"] = error_message[:2000]
    await session.execute(
        update(Run)
        .where(Run.id == run_id, Run.status.not_in(FINAL_RUN_STATUSES))
        .values(**run_values)
    )
    run = await session.get(Run, run_id, populate_existing=True)
    if run is None:
        raise RunGone(f"run {run_id} not found")
    return run, score


async def get_run_detail(session: AsyncSession, run_id: uuid.UUID) -> Run | None:
    return await session.scalar(
        select(Run).where(Run.id == run_id).options(selectinload(Run.score))
    )


async def run_answers(session: AsyncSession, run_id: uuid.UUID) -> list[Answer]:
    stmt = (
        select(Answer)
        .where(Answer.run_id == run_id)
        .options(selectinload(Answer.citations))
        .order_by(Answer.created_at)
    )
    return list((await session.scalars(stmt)).all())
