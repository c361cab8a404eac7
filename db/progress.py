"""A run's progress as each answer moves it: its counts, its cost and its audit's cost, moved
and read in one statement each (the hot path of every answer)."""

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
    literal_column,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.asking import Ask, Usage
from db.models import Run, utcnow
from db.runs import RunGone

# The table itself, for the hot path's Core statements.
RUNS: Table = Run.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Recorded:
    """What recording one ask tells the workflow: stored or a repeat, and how far the run got."""

    stored: bool
    done: int
    errors: int
    run_cost_usd: float
    audit_cost_usd: float


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
    of_audit = _audit_cost_of_row()
    counts = (run.answers_done, run.errors_count, run.cost_usd, of_audit)
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


async def bump_progress(session: AsyncSession, ask: Ask, *, error: bool, usage: Usage) -> Recorded:
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
    """The run's counts and its audit's cost as they stand (a repeat stored nothing; an
    unusable call moved only the cost); all zero for a run that is gone."""
    row = (await session.execute(PROGRESS, {"p_run_id": run_id})).first()
    if row is None:
        return Recorded(False, 0, 0, 0.0, 0.0)
    return Recorded(False, row[0], row[1], row[2], float(row[3] or 0.0))
