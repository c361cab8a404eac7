"""GET /audits/{id}/insights: batch status, per-surface scores, cross-model analysis, summary."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import SessionDep
from api.lookups import audit_or_404
from api.routers.runs import score_public
from api.schemas import ScorePublic
from db.analysis import surface_facts
from db.properties import get_property
from geo.insights import CrossModel, analyze_batch
from geo.summary import BatchSummary

router = APIRouter(prefix="/audits", tags=["insights"])

BATCH_STATUS = {
    "queued": "running",
    "running": "running",
    "paused": "running",
    "completed": "complete",
    "partial": "partial",
    "failed": "failed",
    "cancelled": "cancelled",
}
MESSAGES = {
    "running": "Some surfaces are still running - insights may be partial",
    "complete": "All surfaces complete - insights reflect the full cross-model analysis",
    "partial": "Some surfaces failed or were cancelled - insights cover the ones that completed",
    "failed": "No surface completed",
    "cancelled": "The audit was cancelled - insights cover what was answered",
}


class BatchStatus(BaseModel):
    complete: bool
    status: str
    batchId: uuid.UUID
    message: str


class SurfaceScore(BaseModel):
    surface: str
    model: str
    status: str
    run_id: uuid.UUID
    score: ScorePublic | None
    error_message: str | None


class Insights(BaseModel):
    batchStatus: BatchStatus
    property_id: uuid.UUID
    surfaces: list[SurfaceScore]
    cross_model: CrossModel
    analysis_stored: bool
    summary: BatchSummary | None


@router.get("/{audit_id}/insights")
async def read_insights(audit_id: uuid.UUID, session: SessionDep) -> Insights:
    """The stored analysis once the batch closed; computed on the fly while it runs."""
    audit = await audit_or_404(session, audit_id)
    if audit.insights is not None:
        analysis = CrossModel.model_validate(audit.insights)
    else:
        prop = await get_property(session, audit.property_id)
        analysis = analyze_batch(
            await surface_facts(session, audit),
            prop.name if prop else "",
            list(prop.brand_domains or []) if prop else [],
        )
    batch = BATCH_STATUS.get(audit.status, "running")
    return Insights(
        batchStatus=BatchStatus(
            complete=batch == "complete", status=batch, batchId=audit.id, message=MESSAGES[batch]
        ),
        property_id=audit.property_id,
        surfaces=[
            SurfaceScore(
                surface=r.surface,
                model=r.model_name,
                status=r.status,
                run_id=r.id,
                score=score_public(r.score),
                error_message=r.error_message,
            )
            for r in audit.runs
        ],
        cross_model=analysis,
        analysis_stored=audit.insights is not None,
        summary=BatchSummary.model_validate(audit.summary) if audit.summary else None,
    )
