"""GET /properties/{id}/recommendations: the latest closed audit's recommendations."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from api.auth import CallerDep
from api.deps import SessionDep
from api.lookups import property_or_404
from db import trends
from db.recommendations import audit_recommendations
from geo.recommendations import Recommendation

router = APIRouter(prefix="/properties", tags=["trends"])


class RecommendationsOut(BaseModel):
    property_id: uuid.UUID
    audit_id: uuid.UUID | None
    generated_at: datetime
    recommendations: list[Recommendation]
    summary: dict[str, Any]


def summarise(recs: list[Recommendation]) -> dict[str, Any]:
    by_priority: dict[str, int] = {}
    by_type: dict[str, int] = {}
    for r in recs:
        by_priority[r.priority] = by_priority.get(r.priority, 0) + 1
        by_type[r.type] = by_type.get(r.type, 0) + 1
    llm = sum(r.source == "llm" for r in recs)
    return {"total": len(recs), "by_priority": by_priority, "by_type": by_type, "from_llm": llm}


@router.get("/{property_id}/recommendations")
async def read_recommendations(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> RecommendationsOut:
    """The rule engine over the latest completed (or partial) audit, with the action items its
    batch summary's model wrote (`source: llm`, `written_by`: the surface)."""
    await property_or_404(session, property_id, caller)
    audit = await trends.latest_closed_audit(session, property_id)
    recs = await audit_recommendations(session, audit) if audit else []
    return RecommendationsOut(
        property_id=property_id,
        audit_id=audit.id if audit else None,
        generated_at=datetime.now(UTC),
        recommendations=recs,
        summary=summarise(recs),
    )
