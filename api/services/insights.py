"""An audit's insights: batch status, per-surface scores, cross-model analysis, summary."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas import BatchStatus, Insights, SurfaceScore
from api.services.runs import score_public
from db.analysis import brand_of, surface_facts
from db.models import Audit
from db.rows import from_row
from geo.insights import CrossModel, analyze_batch
from geo.summary import BatchSummary

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


async def insights_of(session: AsyncSession, audit: Audit) -> Insights:
    """The stored analysis once the batch closed; computed on the fly while it runs."""
    if audit.insights is not None:
        analysis = CrossModel.model_validate(audit.insights)
    else:
        analysis = analyze_batch(
            await surface_facts(session, audit), await brand_of(session, audit.property_id)
        )
    batch = BATCH_STATUS.get(audit.status, "running")
    return Insights(
        batchStatus=BatchStatus(
            complete=batch == "complete", status=batch, batchId=audit.id, message=MESSAGES[batch]
        ),
        property_id=audit.property_id,
        surfaces=[
            from_row(SurfaceScore, r, model=r.model_name, run_id=r.id, score=score_public(r.score))
            for r in audit.runs
        ],
        cross_model=analysis,
        analysis_stored=audit.insights is not None,
        scoring_version=audit.scoring_version,
        rescored_at=audit.rescored_at,
        summary=BatchSummary.model_validate(audit.summary) if audit.summary else None,
    )
