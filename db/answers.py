"""Recording a run's answers: each (run, query, sample) stored once, with its citations,
usage and the run's progress moved in the same transaction; errors and unusable paid calls
charged to the run."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    Update,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.asking import Ask, Usage
from db.models import Answer, CitationRow, Run, UnusableCall, utcnow
from db.runs import RunGone
from db.upsert import insert_if_absent
from geo.answer import AnswerBlock
from geo.scoring import SCORING_VERSION, AnswerScore

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


NO_USAGE = Usage()


async def _audit_cost(session: AsyncSession, batch_id: uuid.UUID) -> float:
    cost = await session.scalar(
        select(func.coalesce(func.sum(Run.cost_usd), 0.0)).where(Run.batch_id == batch_id)
    )
    return float(cost or 0.0)


def _audit_cost_of_row() -> ColumnElement[float]:
    """The audit's cost as the runs row a statement reads or has just written makes it: the
    other runs of its audit as committed, plus this row's own cost. Asked in the statement that
    moves or reads the run, it saves a round trip per answer."""
    others = RUNS.alias("others").c
    # Named in full: SQLite's RETURNING would otherwise read them as the subquery's own columns.
    outer_batch: ColumnElement[Any] = literal_column(f"{RUNS.name}.batch_id")
    outer_id: ColumnElement[Any] = literal_column(f"{RUNS.name}.id")
    rest = (
        select(func.coalesce(func.sum(others.cost_usd), 0.0))
        .where(others.batch_id == outer_batch, others.id != outer_id)
        .scalar_subquery()
    )
    total: ColumnElement[float] = rest + RUNS.c.cost_usd
    return total


def _progress_statements() -> tuple[Update, Select[Any]]:
    """Built once and given their values as parameters (named apart from the columns they
    set): an answer's statements come from the compiled cache instead of being built and keyed
    again for every answer."""
    run = RUNS.c  # Core, not the ORM's bulk update: no session to synchronise
    audit_cost = _audit_cost_of_row()
    counts = (run.answers_done, run.errors_count, run.cost_usd, audit_cost)
    done = run.answers_done + run.errors_count + 1
    bump = (
        update(RUNS)
        .where(run.id == bindparam("p_run_id"))
        .values(
            answers_done=run.answers_done + bindparam("p_answered"),
            errors_count=run.errors_count + bindparam("p_failed"),
            progress_pct=100.0 * done / bindparam("p_total_asks"),
            current_query_index=bindparam("p_query_index"),
            current_query=bindparam("p_query_text"),
            input_tokens=run.input_tokens + bindparam("p_input_tokens"),
            output_tokens=run.output_tokens + bindparam("p_output_tokens"),
            web_searches=run.web_searches + bindparam("p_web_searches"),
            cost_usd=run.cost_usd + bindparam("p_cost_usd"),
            last_updated_at=bindparam("p_now"),
        )
        .returning(*counts)
    )
    return bump, select(*counts).where(run.id == bindparam("p_run_id"))


BUMP_PROGRESS, PROGRESS = _progress_statements()


async def _bump_progress(session: AsyncSession, ask: Ask, *, error: bool, usage: Usage) -> Recorded:
    # Increments run inside the row lock, so concurrent recordings never lose a count; the
    # counts and the audit's cost come back with the same statement.
    params = {
        "p_run_id": uuid.UUID(ask.run_id),
        "p_answered": 0 if error else 1,
        "p_failed": 1 if error else 0,
        "p_total_asks": max(ask.total_asks, 1),
        "p_query_index": ask.query.index,
        "p_query_text": ask.query.text[:500],
        "p_input_tokens": usage.input_tokens,
        "p_output_tokens": usage.output_tokens,
        "p_web_searches": usage.web_searches,
        "p_cost_usd": usage.cost_usd,
        "p_now": utcnow(),
    }
    row = (await session.execute(BUMP_PROGRESS, params)).first()
    if row is None:
        raise RunGone(f"run {ask.run_id} no longer exists")
    return Recorded(True, row[0], row[1], row[2], float(row[3] or 0.0))


async def progress_counts(session: AsyncSession, run_id: uuid.UUID) -> Recorded:
    """A repeat stored nothing: the run's counts as they stand."""
    row = (await session.execute(PROGRESS, {"p_run_id": run_id})).first()
    if row is None:
        return Recorded(False, 0, 0, 0.0, 0.0)
    return Recorded(False, row[0], row[1], row[2], float(row[3] or 0.0))


async def _insert_answer(session: AsyncSession, ask: Ask, **values: object) -> uuid.UUID | None:
    """Insert the ask's row once per (run, query, sample); the new id, or None for a repeat."""
    row = {
        "id": uuid.uuid4(),
        "run_id": uuid.UUID(ask.run_id),
        "query_id": uuid.UUID(ask.query.query_id),
        "sample": ask.sample,
        "query_text": ask.query.text,
        "query_type": ask.query.type,
        "query_weight": ask.query.weight,
        "query_persona": ask.query.persona,
        "query_language": ask.query.language,
        "created_at": utcnow(),
        **values,
    }
    return await insert_if_absent(
        session,
        Answer.__table__,  # type: ignore[arg-type]
        row,
        ["run_id", "query_id", "sample"],
    )


def scored_values(block: AnswerBlock, scored: AnswerScore) -> dict[str, object]:
    """An answer row's scored columns: what scoring and re-scoring both write."""
    return {
        "presence": scored.presence,
        "llm_rank": scored.llm_rank,
        "link_rank": scored.link_rank,
        "sov": scored.sov,
        "score": scored.score,
        "breakdown": scored.breakdown.model_dump(),
        "flags": scored.flags,
        "model_flags": [str(f) for f in block.notes.flags],
        "scoring_version": SCORING_VERSION,
        "answer_summary": block.answer_summary,
        "ordered_entities": [e.model_dump() for e in block.ordered_entities],
        "sentiment": scored.sentiment,
        "sentiment_phrase": scored.sentiment_phrase[:2000],
    }


def citation_rows(
    answer_id: uuid.UUID, block: AnswerBlock, scored: AnswerScore
) -> list[dict[str, object]]:
    """The citations a reader saw, each with the scorer's verdict on whether it is the brand's."""
    shown = [
        (c, is_brand)
        for c, is_brand, ok in zip(
            block.citations, scored.brand_citations, scored.shown_citations, strict=True
        )
        if ok
    ]
    return [
        {
            "answer_id": answer_id,
            "position": i,
            "url": c.url,
            "domain": c.domain[:255],
            "claimed_domain": c.claimed_domain[:255],
            "is_brand_domain": is_brand,
            "entity_ref": c.entity_ref[:255],
            "origin": c.origin,
        }
        for i, (c, is_brand) in enumerate(shown)
    ]


def usage_values(usage: Usage) -> dict[str, object]:
    return {
        "cost_usd": usage.cost_usd,
        "model_name": usage.model,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "web_searches": usage.web_searches,
    }


async def record_answer(
    session: AsyncSession,
    ask: Ask,
    *,
    block: AnswerBlock,
    scored: AnswerScore,
    usage: Usage,
    raw_text: str,
    analysis_method: str = "structured",
    natural_response: str | None = None,
    analysis: dict[str, object] | None = None,
) -> Recorded:
    """Store the answer unless it is already stored (then `stored` is False)."""
    answer_id = await _insert_answer(
        session,
        ask,
        status="ok",
        **scored_values(block, scored),
        raw_text=raw_text,
        analysis_method=analysis_method,
        natural_response=natural_response,
        analysis=analysis,
        **usage_values(usage),
        latency_ms=usage.latency_ms,
        attempts=usage.attempts,
    )
    if answer_id is None:
        return await progress_counts(session, uuid.UUID(ask.run_id))
    rows = citation_rows(answer_id, block, scored)
    if rows:
        # Core, not ORM objects: one multi-row INSERT and no identity-map bookkeeping.
        await session.execute(insert(CITATIONS), rows)
    return await _bump_progress(session, ask, error=False, usage=usage)


async def record_error(
    session: AsyncSession, ask: Ask, *, error: str, usage: Usage = NO_USAGE
) -> Recorded:
    """A query that failed after its retries: stored once, never scored. What was paid on the
    way (natural mode's first phase) still counts in the run's cost."""
    answer_id = await _insert_answer(
        session,
        ask,
        status="error",
        error_message=error[:2000],
        breakdown={},
        flags=[],
        ordered_entities=[],
        scoring_version=SCORING_VERSION,
        **usage_values(usage),
    )
    if answer_id is None:
        return await progress_counts(session, uuid.UUID(ask.run_id))
    return await _bump_progress(session, ask, error=True, usage=usage)


async def record_unusable(
    session: AsyncSession,
    *,
    run_id: uuid.UUID,
    query_id: uuid.UUID,
    sample: int,
    phase: str,
    attempt: int,
    usage: Usage,
    reason: str,
) -> float:
    """Charge the run for a paid call whose answer was unusable (once per attempt); returns the
    audit's cost so far, so the budget sees money spent on answers it never got."""
    inserted = await insert_if_absent(
        session,
        UnusableCall.__table__,  # type: ignore[arg-type]
        {
            "id": uuid.uuid4(),
            "run_id": run_id,
            "query_id": query_id,
            "sample": sample,
            "phase": phase,
            "attempt": attempt,
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
            "web_searches": usage.web_searches,
            "cost_usd": usage.cost_usd,
            "reason": reason[:500],
            "created_at": utcnow(),
        },
        ["run_id", "query_id", "sample", "phase", "attempt"],
    )
    run = RUNS.c
    if inserted is not None:
        await session.execute(
            update(RUNS)
            .where(run.id == run_id)
            .values(
                cost_usd=run.cost_usd + usage.cost_usd,
                wasted_cost_usd=run.wasted_cost_usd + usage.cost_usd,
                input_tokens=run.input_tokens + usage.input_tokens,
                output_tokens=run.output_tokens + usage.output_tokens,
                web_searches=run.web_searches + usage.web_searches,
            )
        )
    batch_id = await session.scalar(select(Run.batch_id).where(Run.id == run_id))
    return await _audit_cost(session, batch_id) if batch_id is not None else 0.0
