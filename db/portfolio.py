"""A portfolio read in a fixed number of statements, however many properties it holds: the
properties, their newest audits (the newest of any status and the newest closed one, with runs
and scores) and the scored runs a combined score reads (each surface's latest completed run and
the one before it scored by the same rules)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, selectinload

from contracts.status import CLOSED_WITH_ANSWERS, RunStatus
from db.models import Audit, Property, Run, Score


@dataclass
class Holding:
    """One property and what its standing is read from."""

    prop: Property
    # Newest first: per surface, its latest completed scored run and the previous one of the
    # same scoring version (what api.services.trends.combined_score compares).
    runs: list[Run] = field(default_factory=list)
    latest: Audit | None = None  # the newest audit, whatever its status
    closed: Audit | None = None  # the newest completed or partial audit


def _newest_audits(ids: Select[Any]) -> Select[Audit]:
    """Per property, its newest audit and its newest closed one (often the same row)."""
    closed = case((Audit.status.in_(CLOSED_WITH_ANSWERS), 1), else_=0)
    newest_first = (Audit.created_at.desc(), Audit.id.desc())
    ranked = (
        select(
            Audit.id,
            closed.label("closed"),
            func.row_number()
            .over(partition_by=Audit.property_id, order_by=newest_first)
            .label("newest"),
            func.row_number()
            .over(partition_by=(Audit.property_id, closed), order_by=newest_first)
            .label("newest_of_kind"),
        )
        .where(Audit.property_id.in_(ids))
        .subquery()
    )
    wanted = select(ranked.c.id).where(
        or_(ranked.c.newest == 1, and_(ranked.c.closed == 1, ranked.c.newest_of_kind == 1))
    )
    return (
        select(Audit)
        .where(Audit.id.in_(wanted))
        .options(selectinload(Audit.runs).selectinload(Run.score))
    )


def _compared_runs(ids: Select[Any]) -> Select[Run]:
    """Per property and surface, the latest completed scored run and the one before it scored
    by the same rules: all a combined score and its trend read."""
    by_surface = (Run.property_id, Run.surface)
    newest_first = (Run.created_at.desc(), Run.id.desc())
    ranked = (
        select(
            Run.id,
            Score.scoring_version,
            func.first_value(Score.scoring_version)
            .over(partition_by=by_surface, order_by=newest_first)
            .label("latest_version"),
            func.row_number()
            .over(partition_by=(*by_surface, Score.scoring_version), order_by=newest_first)
            .label("newest_of_version"),
        )
        .join(Score, Score.run_id == Run.id)
        .where(Run.property_id.in_(ids), Run.status == RunStatus.COMPLETED)
        .subquery()
    )
    wanted = select(ranked.c.id).where(
        ranked.c.scoring_version == ranked.c.latest_version, ranked.c.newest_of_version <= 2
    )
    return (
        select(Run)
        .join(Run.score)
        .where(Run.id.in_(wanted))
        .options(contains_eager(Run.score))
        .order_by(Run.created_at.desc(), Run.id.desc())
    )


async def holdings(session: AsyncSession, properties: Select[Any]) -> list[Holding]:
    """The properties `properties` selects (in its order), each with its runs and audits: five
    statements whatever their number."""
    props = list((await session.scalars(properties)).all())
    if not props:
        return []
    ids = select(properties.with_only_columns(Property.id).subquery().c.id)
    found = {p.id: Holding(p) for p in props}
    for run in (await session.scalars(_compared_runs(ids))).unique().all():
        if run.property_id in found:
            found[run.property_id].runs.append(run)
    audits: dict[uuid.UUID, list[Audit]] = defaultdict(list)
    for audit in (await session.scalars(_newest_audits(ids))).all():
        audits[audit.property_id].append(audit)
    for property_id, rows in audits.items():
        holding = found.get(property_id)
        if holding is None:
            continue
        rows.sort(key=lambda a: (a.created_at, a.id), reverse=True)
        holding.latest = rows[0]
        holding.closed = next((a for a in rows if a.status in CLOSED_WITH_ANSWERS), None)
    return list(found.values())
