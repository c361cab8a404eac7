"""What splitting results reads: an audit's answers as plain records, and a property's closed
audits scored by today's rules (with their runs and scores)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from contracts.status import CLOSED_WITH_ANSWERS
from db.models import Answer, Audit, Run
from geo.scoring import SCORING_VERSION
from geo.segments import AnswerRecord


async def audit_records(session: AsyncSession, audit_id: uuid.UUID) -> list[AnswerRecord]:
    """Every answer of the audit, usable or not, as segmenting reads it."""
    rows = await session.execute(
        select(
            Run.surface,
            Answer.query_id,
            Answer.query_persona,
            Answer.query_language,
            Answer.query_weight,
            Answer.status,
            Answer.presence,
            Answer.llm_rank,
            Answer.link_rank,
            Answer.sov,
            Answer.score,
            Answer.breakdown,
            Answer.flags,
            Answer.sentiment,
        )
        .join(Run, Run.id == Answer.run_id)
        .where(Run.batch_id == audit_id)
    )
    return [
        AnswerRecord(
            surface=r.surface,
            query_id=str(r.query_id),
            persona=r.query_persona or "",
            language=r.query_language or "en",
            weight=r.query_weight,
            ok=r.status == "ok",
            presence=r.presence,
            llm_rank=r.llm_rank,
            link_rank=r.link_rank,
            sov=r.sov,
            score=r.score,
            breakdown=r.breakdown or {},
            flags=tuple(r.flags or ()),
            sentiment=r.sentiment,
        )
        for r in rows.all()
    ]


async def comparable_audits(
    session: AsyncSession, property_id: uuid.UUID
) -> tuple[list[Audit], int]:
    """The property's closed audits scored by today's rules, with their runs and scores; and how
    many closed audits were left out for being scored by other rules (re-score to include them)."""
    closed = (Audit.property_id == property_id, Audit.status.in_(CLOSED_WITH_ANSWERS))
    rows = await session.scalars(
        select(Audit)
        .where(*closed, Audit.scoring_version == SCORING_VERSION)
        .order_by(Audit.created_at.desc())
        .options(selectinload(Audit.runs).selectinload(Run.score))
    )
    others = await session.scalar(
        select(func.count())
        .select_from(Audit)
        .where(*closed, Audit.scoring_version != SCORING_VERSION)
    )
    return list(rows.all()), int(others or 0)
