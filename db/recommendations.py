"""One audit's recommendations: the rule engine over its own answers and the property's gap pages
up to it, and the action items a model wrote in its batch summary."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.models import Answer, Audit
from db.properties import get_property, profile_of
from db.rivals import property_history
from geo.brand import BrandMatcher
from geo.profile import BrandContext, brand_context
from geo.recommendations import (
    AnswerFact,
    EntityFact,
    QueryFact,
    Recommendation,
    from_summary,
    recommend,
    sort_recommendations,
)
from geo.rivals import competitor_set
from geo.source_gaps import GapPage, source_gaps
from geo.summary import BatchSummary

# Gap pages are read over the property's audits up to this one (about a year of weekly audits).
GAP_AUDITS = 52


async def _gap_pages(session: AsyncSession, audit: Audit) -> tuple[BrandContext, list[GapPage]]:
    """The property's brand, and the pages cited for its competitors but never for it."""
    prop = await get_property(session, audit.property_id)
    if prop is None:
        return BrandContext(name=""), []
    profile = profile_of(prop)
    brand = brand_context(profile)
    history = await property_history(
        session, audit.property_id, limit=GAP_AUDITS, until=audit.created_at
    )
    matcher = BrandMatcher(brand)
    rivals = competitor_set(profile.competitors, history.records, history.latest, matcher)
    return brand, source_gaps(history.records, matcher, rivals)


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
    brand, gaps = await _gap_pages(session, audit)
    rules = recommend(list(queries.values()), facts, brand=brand, gaps=gaps)
    summary = BatchSummary.model_validate(audit.summary) if audit.summary else None
    return sort_recommendations([*rules, *from_summary(summary)])
