"""Recording a run's answers: each (run, query, sample) stored once, with its citations,
usage and the run's progress moved in the same transaction; errors and unusable paid calls
charged to the run."""

from __future__ import annotations

import uuid

from sqlalchemy import Table, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.asking import Ask, Usage
from db.models import Answer, CitationRow, UnusableCall, utcnow
from db.progress import RUNS, Recorded, bump_progress, progress_counts
from db.upsert import insert_if_absent
from geo.answer import AnswerBlock
from geo.scoring import SCORING_VERSION, AnswerScore

# The table itself, for the hot path's one multi-row INSERT.
CITATIONS: Table = CitationRow.__table__  # type: ignore[assignment]
NO_USAGE = Usage()


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
    return await bump_progress(session, ask, error=False, usage=usage)


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
    return await bump_progress(session, ask, error=True, usage=usage)


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
    return (await progress_counts(session, run_id)).audit_cost_usd
