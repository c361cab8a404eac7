"""GET /audits/{id}/insights: batch status, per-surface scores, cross-model analysis."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import SessionDep
from api.lookups import audit_or_404
from api.routers.runs import score_public
from api.schemas import ScorePublic
from db.properties import get_property, profile_of
from db.runs import run_answers
from geo.insights import AnswerFacts, CrossModel, EntityFact, cross_model

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
    extra: dict[str, Any] = {}


@router.get("/{audit_id}/insights")
async def read_insights(audit_id: uuid.UUID, session: SessionDep) -> Insights:
    audit = await audit_or_404(session, audit_id)
    prop = await get_property(session, audit.property_id)
    profile = profile_of(prop) if prop else None
    by_surface: dict[str, list[AnswerFacts]] = {}
    for run in audit.runs:
        answers = [a for a in await run_answers(session, run.id) if a.status == "ok"]
        if not answers:
            continue
        by_surface[run.surface] = [
            AnswerFacts(
                query_id=str(a.query_id),
                presence=a.presence,
                llm_rank=a.llm_rank,
                entities=[EntityFact.model_validate(e) for e in a.ordered_entities or []],
                citation_domains=[c.domain for c in a.citations],
            )
            for a in answers
        ]
    batch = BATCH_STATUS.get(audit.status, "running")
    return Insights(
        batchStatus=BatchStatus(
            complete=batch == "complete",
            status=batch,
            batchId=audit.id,
            message=MESSAGES[batch],
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
        cross_model=cross_model(
            by_surface,
            profile.name if profile else "",
            profile.brand_domains if profile else [],
        ),
    )
