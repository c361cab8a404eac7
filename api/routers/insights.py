"""GET /audits/{id}/insights: batch status, per-surface scores, cross-model analysis, summary."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from api.auth import CallerDep
from api.deps import SessionDep
from api.lookups import audit_or_404
from api.schemas import Insights
from api.services.insights import insights_of

router = APIRouter(prefix="/audits", tags=["insights"])


@router.get("/{audit_id}/insights")
async def read_insights(audit_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Insights:
    """The stored analysis once the batch closed; computed on the fly while it runs."""
    return await insights_of(session, await audit_or_404(session, audit_id, caller))
