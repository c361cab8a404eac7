"""One audit's recommendations: the rule engine over its own answers, and the action items a
model wrote in its batch summary."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.analysis import brand_of
from db.models import Answer, Audit
from geo.recommendations import (
    AnswerFact,
    EntityFact,
    QueryFact,
    Recommendation,
    from_summary,
    recommend,
    sort_recommendations,
)
from geo.summary import BatchSummary


async def audit_recommendations(session: AsyncSession, audit: Audit) -> list[Recommendation]:
    """Recommendations of this audit (not the property's latest): its questions as they were
    asked, its answers, and its summary's action items."""
    surface_of = {run.id: run.surface for run in audit.runs}
    rows = (
        await session.scalars(
            select(Answer)
            .where(Answer.run_id.in_(list(surface_of)), Answer.status == "ok")
            .options(selectinload(Answer.citations))
            .order_by(Answer.created_at)
        )
    ).all()
    queries = {
        str(a.query_id): QueryFact(query_id=str(a.query_id), text=a.query_text, type=a.query_type)
        for a in rows
    }
    facts = [
        AnswerFact(
            surface=surface_of[a.run_id],
            query_id=str(a.query_id),
            presence=a.presence,
            llm_rank=a.llm_rank,
            sov=a.sov,
            entities=[EntityFact.model_validate(e) for e in a.ordered_entities or []],
            citation_domains=[c.domain for c in a.citations],
        )
        for a in rows
    ]
    rules = recommend(
        list(queries.values()), facts, brand=await brand_of(session, audit.property_id)
    )
    summary = BatchSummary.model_validate(audit.summary) if audit.summary else None
    return sort_recommendations([*rules, *from_summary(summary)])
