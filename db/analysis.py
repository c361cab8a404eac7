"""Reading a batch for analysis (with who overtook the property since the audit before),
storing its insights and summary once, and trend lookups."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from contracts.status import CLOSED_WITH_ANSWERS
from db.audits import get_audit
from db.models import Answer, Audit, Run, utcnow
from db.properties import get_property, profile_of
from db.rivals import overtaken_since
from geo.insights import AnswerFacts, CrossModel, EntityFact, SurfaceFacts, analyze_batch
from geo.overtaking import Overtake
from geo.profile import BrandContext, brand_context


async def surface_facts(session: AsyncSession, audit: Audit) -> list[SurfaceFacts]:
    facts: list[SurfaceFacts] = []
    for run in audit.runs:
        rows = (
            await session.scalars(
                select(Answer)
                .where(Answer.run_id == run.id, Answer.status == "ok")
                .options(selectinload(Answer.citations))
            )
        ).all()
        facts.append(
            SurfaceFacts(
                surface=run.surface,
                status=run.status,
                overall_score=run.score.overall_score if run.score else None,
                visibility_pct=run.score.visibility_pct if run.score else None,
                answers=[
                    AnswerFacts(
                        query_id=str(a.query_id),
                        query_text=a.query_text,
                        query_type=a.query_type,
                        presence=a.presence,
                        llm_rank=a.llm_rank,
                        entities=[EntityFact.model_validate(e) for e in a.ordered_entities or []],
                        citation_domains=[c.domain for c in a.citations],
                        brand_citations=[c.is_brand_domain for c in a.citations],
                    )
                    for a in rows
                ],
            )
        )
    return facts


async def brand_of(session: AsyncSession, property_id: uuid.UUID) -> BrandContext:
    """What the scorer knows of a property's brand (empty when the property is gone)."""
    prop = await get_property(session, property_id)
    return brand_context(profile_of(prop)) if prop else BrandContext(name="")


async def store_once(
    session: AsyncSession, audit_id: uuid.UUID, column: str, value: dict[str, Any]
) -> dict[str, Any]:
    """Write `value` into an empty column; a retry (or a race) keeps the first one."""
    target = getattr(Audit, column)
    await session.execute(
        update(Audit).where(Audit.id == audit_id, target.is_(None)).values({column: value})
    )
    stored = await session.scalar(select(target).where(Audit.id == audit_id))
    return dict(stored or value)


async def previous_audit(
    session: AsyncSession, audit: Audit, scoring_version: int | None = None
) -> Audit | None:
    """The property's last audit that finished before this one (completed or partial) and was
    scored by the same rules (the audit's, or `scoring_version` while it is being re-scored to
    them): a drop between two versions of the rules is no drop."""
    version = audit.scoring_version if scoring_version is None else scoring_version
    return await session.scalar(
        select(Audit)
        .where(
            Audit.property_id == audit.property_id,
            Audit.id != audit.id,
            Audit.status.in_(CLOSED_WITH_ANSWERS),
            Audit.created_at < audit.created_at,
            Audit.scoring_version == version,
        )
        .order_by(Audit.created_at.desc())
        .limit(1)
        .options(selectinload(Audit.runs).selectinload(Run.score))
    )


async def batch_analysis(
    session: AsyncSession, audit: Audit, scoring_version: int | None = None
) -> CrossModel:
    """The batch's cross-model analysis over its stored answers (`audit` loaded with its runs),
    with the profile's competitors that overtook the property on a surface since the previous
    audit (`previous_audit`; none without one): what is stored as the audit's insights."""
    prop = await get_property(session, audit.property_id)
    brand = brand_context(profile_of(prop)) if prop else BrandContext(name="")
    analysis = analyze_batch(await surface_facts(session, audit), brand)
    previous = await previous_audit(session, audit, scoring_version)
    overtaken = await overtaken_since(session, previous, audit, prop) if prop else []
    return analysis.model_copy(update={"overtaken": overtaken})


def stored_overtakes(audit: Audit) -> list[Overtake] | None:
    """The overtakes stored with the audit's analysis; None when they were never worked out."""
    if audit.insights is None:
        return None
    return CrossModel.model_validate(audit.insights).overtaken


async def mark_alert_sent(session: AsyncSession, audit_id: uuid.UUID) -> bool:
    result = await session.execute(
        update(Audit)
        .where(Audit.id == audit_id, Audit.alert_sent_at.is_(None))
        .values(alert_sent_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


__all__ = [
    "batch_analysis",
    "brand_of",
    "get_audit",
    "mark_alert_sent",
    "previous_audit",
    "store_once",
    "stored_overtakes",
    "surface_facts",
]
