"""What a property's earlier runs on one surface cost per answer: the basis of an estimate."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.status import RunStatus
from db.models import Answer, Run
from surfaces.estimate import Observed

RUNS_CONSIDERED = 5


async def observed(
    session: AsyncSession,
    property_id: uuid.UUID,
    surface: str,
    model: str,
    mode: str,
    web_search: bool,
) -> Observed | None:
    """Per answer means over the latest completed runs like the one planned; None without."""
    latency = (
        select(func.avg(Answer.latency_ms))
        .where(Answer.run_id == Run.id, Answer.status == "ok")
        .scalar_subquery()
    )
    rows = (
        await session.execute(
            select(
                Run.answers_done,
                Run.input_tokens,
                Run.output_tokens,
                Run.web_searches,
                Run.cost_usd,
                Run.started_at,
                Run.finished_at,
                latency,
            )
            .where(
                Run.property_id == property_id,
                Run.surface == surface,
                Run.model_name == model,
                Run.mode == mode,
                Run.uses_web_search == web_search,
                Run.status == RunStatus.COMPLETED,
                Run.answers_done > 0,
            )
            .order_by(Run.created_at.desc())
            .limit(RUNS_CONSIDERED)
        )
    ).all()
    if not rows:
        return None
    answers = sum(r.answers_done for r in rows)
    per_run_cost = [r.cost_usd / r.answers_done for r in rows]
    return Observed(
        answers=answers,
        input_tokens=sum(r.input_tokens for r in rows) / answers,
        output_tokens=sum(r.output_tokens for r in rows) / answers,
        searches=sum(r.web_searches for r in rows) / answers,
        latency_s=sum((r[7] or 0) * r.answers_done for r in rows) / answers / 1000,
        wall_s_per_answer=_wall(rows),
        cost_usd=sum(r.cost_usd for r in rows) / answers,
        low_cost=min(per_run_cost),
        high_cost=max(per_run_cost),
    )


def _wall(rows: Sequence[Row[Any]]) -> float | None:
    """Seconds a run took per answer, scheduling and storing included, over the runs that
    say when they started and finished."""
    timed = [r for r in rows if r.started_at and r.finished_at]
    if not timed:
        return None
    seconds = sum((r.finished_at - r.started_at).total_seconds() for r in timed)
    return float(seconds / sum(r.answers_done for r in timed))
