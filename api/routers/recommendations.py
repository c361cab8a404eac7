"""GET /properties/{id}/recommendations: the latest closed audit's recommendations."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from api.deps import SessionDep
from api.lookups import PropertyDep
from api.schemas import RecommendationsOut
from api.services.recommendations import summarise
from db import trends
from db.recommendations import audit_recommendations

router = APIRouter(prefix="/properties", tags=["trends"])


@router.get("/{property_id}/recommendations")
async def read_recommendations(prop: PropertyDep, session: SessionDep) -> RecommendationsOut:
    """The rule engine over the latest completed (or partial) audit, with the action items its
    batch summary's model wrote (`source: llm`, `written_by`: the surface)."""
    audit = await trends.latest_closed_audit(session, prop.id)
    recs = await audit_recommendations(session, audit) if audit else []
    return RecommendationsOut(
        property_id=prop.id,
        audit_id=audit.id if audit else None,
        generated_at=datetime.now(UTC),
        recommendations=recs,
        summary=summarise(recs),
    )
