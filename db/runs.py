"""Recording one surface's run: answers (once each), progress, errors, final scores."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.audits import FINAL_RUN_STATUSES
from db.models import Answer, CitationRow, Run, Score, utcnow
from db.upsert import insert_if_absent
from geo.answer import AnswerBlock
from geo.scoring import AnswerScore, Breakdown, RunScore, ScoredAnswer, aggregate_run


async def start_run(
    session: AsyncSession, run_id: uuid.UUID, *, model: str, query_count: int, total_asks: int
) -> None:
    await session.execute(
        update(Run)
        .where(Run.id == run_id, Run.status.in_(("queued", "running", "paused")))
        .values(
            status="running",
            model_name=model,
            query_count=query_count,
            total_asks=total_asks,
            started_at=utcnow(),
        )
    )


# The tables themselves, for the hot path's Core statements.
RUNS: Table = Run.__table__  # type: ignore[assignment]
CITATIONS: Table = CitationRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Recorded:
    """What recording one ask tells the workflow: stored or a repeat, and how far the run got."""

    stored: bool
    done: int
    errors: int
    run_cost_usd: float
    audit_cost_usd: float


async def _audit_cost(session: AsyncSession, batch_id: uuid.UUID) -> float:
    cost = await session.scalar(
        select(func.coalesce(func.sum(Run.cost_usd), 0.0)).where(Run.batch_id == batch_id)
    )
    return float(cost or 0.0)


async def _bump_progress(
    session: AsyncSession,
    run_id: uuid.UUID,
    *,
    total_asks: int,
    query_index: int,
    query_text: str,
    error: bool,
    input_tokens: int = 0,
    output_tokens: int = 0,
    cost_usd: float = 0.0,
) -> Recorded:
    # Increments run inside the row lock, so concurrent recordings never lose a count; the
    # counts come back with the same statement.
    run = RUNS.c  # Core, not the ORM's bulk update: no session to synchronise
    done = run.answers_done + run.errors_count + 1
    row = (
        await session.execute(
            update(RUNS)
            .where(run.id == run_id)
            .values(
                answers_done=run.answers_done + (0 if error else 1),
                errors_count=run.errors_count + (1 if error else 0),
                progress_pct=100.0 * done / max(total_asks, 1),
                current_query_index=query_index,
                current_query=query_text[:500],
                input_tokens=run.input_tokens + input_tokens,
                output_tokens=run.output_tokens + output_tokens,
                cost_usd=run.cost_usd + cost_usd,
                last_updated_at=utcnow(),
            )
            .returning(run.answers_done, run.errors_count, run.cost_usd, run.batch_id)
        )
    ).one()
    return Recorded(True, row[0], row[1], row[2], await _audit_cost(session, row[3]))


async def progress_counts(session: AsyncSession, run_id: uuid.UUID) -> Recorded:
    """A repeat stored nothing: the run's counts as they stand."""
    row = (
        await session.execute(
            select(Run.answers_done, Run.errors_count, Run.cost_usd, Run.batch_id).where(
                Run.id == run_id
            )
        )
    ).first()
    if row is None:
        return Recorded(False, 0, 0, 0.0, 0.0)
    return Recorded(False, row[0], row[1], row[2], await _audit_cost(session, row[3]))


async def _insert_answer(
    session: AsyncSession,
    run_id: uuid.UUID,
    query_id: uuid.UUID,
    query_text: str,
    query_type: str,
    query_weight: float,
    sample: int,
    **values: object,
) -> uuid.UUID | None:
    """Insert the ask's row once per (run, query, sample); the new id, or None for a repeat."""
    row = {
        "id": uuid.uuid4(),
        "run_id": run_id,
        "query_id": query_id,
        "sample": sample,
        "query_text": query_text,
        "query_type": query_type,
        "query_weight": query_weight,
        "created_at": utcnow(),
        **values,
    }
    return await insert_if_absent(
        session,
        Answer.__table__,  # type: ignore[arg-type]
        row,
        ["run_id", "query_id", "sample"],
    )


async def record_answer(
    session: AsyncSession,
    *,
    run_id: uuid.UUID,
    query_id: uuid.UUID,
    query_text: str,
    query_type: str,
    query_weight: float,
    query_index: int,
    sample: int,
    total_asks: int,
    block: AnswerBlock,
    scored: AnswerScore,
    raw_text: str,
    model: str,
    input_tokens: int,
    output_tokens: int,
    latency_ms: int,
    attempts: int,
    cost_usd: float = 0.0,
    analysis_method: str = "structured",
    natural_response: str | None = None,
    analysis: dict[str, object] | None = None,
) -> Recorded:
    """Store the answer unless it is already stored (then `stored` is False)."""
    answer_id = await _insert_answer(
        session,
        run_id,
        query_id,
        query_text,
        query_type,
        query_weight,
        sample,
        status="ok",
        presence=scored.presence,
        llm_rank=scored.llm_rank,
        link_rank=scored.link_rank,
        sov=scored.sov,
        score=scored.score,
        breakdown=scored.breakdown.model_dump(),
        flags=scored.flags,
        answer_summary=block.answer_summary,
        ordered_entities=[e.model_dump() for e in block.ordered_entities],
        raw_text=raw_text,
        analysis_method=analysis_method,
        natural_response=natural_response,
        analysis=analysis,
        sentiment=scored.sentiment,
        sentiment_phrase=scored.sentiment_phrase[:2000],
        cost_usd=cost_usd,
        model_name=model,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        latency_ms=latency_ms,
        attempts=attempts,
    )
    if answer_id is None:
        return await progress_counts(session, run_id)
    if block.citations:
        # Core, not ORM objects: one multi-row INSERT and no identity-map bookkeeping.
        await session.execute(
            insert(CITATIONS),
            [
                {
                    "answer_id": answer_id,
                    "position": i,
                    "url": c.url,
                    "domain": c.domain,
                    "is_brand_domain": scored.brand_citations[i],
                    "entity_ref": c.entity_ref,
                }
                for i, c in enumerate(block.citations)
            ],
        )
    return await _bump_progress(
        session,
        run_id,
        total_asks=total_asks,
        query_index=query_index,
        query_text=query_text,
        error=False,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cost_usd=cost_usd,
    )


async def record_error(
    session: AsyncSession,
    *,
    run_id: uuid.UUID,
    query_id: uuid.UUID,
    query_text: str,
    query_type: str,
    query_weight: float,
    query_index: int,
    sample: int,
    total_asks: int,
    error: str,
) -> Recorded:
    """A query that failed after its retries: stored once, never scored."""
    answer_id = await _insert_answer(
        session,
        run_id,
        query_id,
        query_text,
        query_type,
        query_weight,
        sample,
        status="error",
        error_message=error[:2000],
        breakdown={},
        flags=[],
        ordered_entities=[],
    )
    if answer_id is None:
        return await progress_counts(session, run_id)
    return await _bump_progress(
        session,
        run_id,
        total_asks=total_asks,
        query_index=query_index,
        query_text=query_text,
        error=True,
    )


def _scored_from_row(answer: Answer) -> ScoredAnswer:
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


async def finish_run(
    session: AsyncSession, run_id: uuid.UUID, *, status: str, error_message: str | None
) -> tuple[Run, RunScore]:
    """Aggregate the stored answers into the run's score and close the run (idempotent)."""
    answers = list((await session.scalars(select(Answer).where(Answer.run_id == run_id))).all())
    ok = [a for a in answers if a.status == "ok"]
    errors = len(answers) - len(ok)
    if status == "completed" and not ok and errors:
        status, error_message = "failed", error_message or "every query failed"
    score = aggregate_run([_scored_from_row(a) for a in ok], errors=errors)
    values = {
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
    }
    existing = await session.scalar(select(Score).where(Score.run_id == run_id))
    if existing is None:
        session.add(Score(run_id=run_id, **values))
    else:
        for key, value in values.items():
            setattr(existing, key, value)
    run_values: dict[str, object] = {
        "status": status,
        "finished_at": utcnow(),
        "answers_done": len(ok),
        "errors_count": errors,
    }
    if status == "completed":
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
        raise LookupError(f"run {run_id} not found")
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
