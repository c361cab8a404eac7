"""A property's history: runs over time, cited domains over audits, purging."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from contracts.status import CLOSED_WITH_ANSWERS, FINAL_AUDIT_STATUSES, FINAL_RUN_STATUSES
from db.models import Answer, Audit, CitationRow, Run


async def property_runs(
    session: AsyncSession, property_id: uuid.UUID, surface: str | None = None
) -> list[Run]:
    stmt = (
        select(Run)
        .where(Run.property_id == property_id)
        .options(selectinload(Run.score))
        .order_by(Run.created_at.desc())
    )
    if surface:
        stmt = stmt.where(Run.surface == surface)
    return list((await session.scalars(stmt)).all())


async def latest_closed_audit(session: AsyncSession, property_id: uuid.UUID) -> Audit | None:
    return await session.scalar(
        select(Audit)
        .where(Audit.property_id == property_id, Audit.status.in_(CLOSED_WITH_ANSWERS))
        .order_by(Audit.created_at.desc())
        .limit(1)
        .options(selectinload(Audit.runs).selectinload(Run.score))
    )


async def closed_audits(session: AsyncSession, property_id: uuid.UUID, limit: int) -> list[Audit]:
    rows = await session.scalars(
        select(Audit)
        .where(Audit.property_id == property_id, Audit.status.in_(CLOSED_WITH_ANSWERS))
        .order_by(Audit.created_at.desc())
        .limit(limit)
        .options(selectinload(Audit.runs).selectinload(Run.score))
    )
    return list(rows.all())


class DomainHistory:
    def __init__(self, domain: str) -> None:
        self.domain = domain
        self.citations = 0
        self.is_brand = False
        self.audits: dict[uuid.UUID, datetime] = {}


async def domain_timeline(session: AsyncSession, property_id: uuid.UUID) -> list[DomainHistory]:
    """Every cited domain with the audits that cited it (first and last seen follow)."""
    rows = await session.execute(
        select(CitationRow.domain, CitationRow.is_brand_domain, Audit.id, Audit.created_at)
        .join(Answer, Answer.id == CitationRow.answer_id)
        .join(Run, Run.id == Answer.run_id)
        .join(Audit, Audit.id == Run.batch_id)
        .where(Run.property_id == property_id)
    )
    histories: dict[str, DomainHistory] = {}
    for domain, is_brand, audit_id, created_at in rows.all():
        h = histories.setdefault(domain, DomainHistory(domain))
        h.citations += 1
        h.is_brand = h.is_brand or bool(is_brand)
        h.audits[audit_id] = created_at
    return list(histories.values())


async def purge_runs(
    session: AsyncSession, property_id: uuid.UUID, surfaces: list[str] | None
) -> tuple[int, int]:
    """Delete the runs of closed audits (and audits left empty); an audit still running keeps
    every run, finished or not, so its batch completes and its analysis reads what it asked.
    Returns (runs, audits) deleted."""
    closed = select(Audit.id).where(
        Audit.property_id == property_id, Audit.status.in_(FINAL_AUDIT_STATUSES)
    )
    stmt = select(Run.id).where(
        Run.property_id == property_id,
        Run.status.in_(FINAL_RUN_STATUSES),
        Run.batch_id.in_(closed),
    )
    if surfaces:
        stmt = stmt.where(Run.surface.in_(surfaces))
    ids = list((await session.scalars(stmt)).all())
    if ids:
        await session.execute(delete(Run).where(Run.id.in_(ids)))
    empty = select(Audit.id).where(
        Audit.property_id == property_id,
        Audit.status.in_(FINAL_AUDIT_STATUSES),
        ~select(Run.id).where(Run.batch_id == Audit.id).exists(),
    )
    audit_ids = list((await session.scalars(empty)).all())
    if audit_ids:
        await session.execute(delete(Audit).where(Audit.id.in_(audit_ids)))
    return len(ids), len(audit_ids)
