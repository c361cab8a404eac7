"""Re-scoring stored answers with today's rules: a run, an audit, a property or everything.

Each start is idempotent per target and scoring version: asking again answers with the same
workflow (running or done) instead of re-scoring twice; `?force=true` re-scores once more (after
a property's brand domains were corrected, say).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from api.auth import AdminDep, CallerDep
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.errors import temporal_down
from api.lookups import PropertyDep, audit_or_404, run_or_404
from api.schemas import RescoreState
from api.services.rescoring import Rescorer, describe, parse, visible_target
from contracts.rescore import RescoreTotals
from workflows.rescore import RescoreWorkflow

router = APIRouter(tags=["rescoring"])
Force = Annotated[bool, Query(description="re-score again even if this version already ran")]


def rescorer(temporal: TemporalDep, settings: SettingsDep, force: Force = False) -> Rescorer:
    return Rescorer(temporal, settings, force)


RescorerDep = Annotated[Rescorer, Depends(rescorer)]


@router.post("/runs/{run_id}/rescore", status_code=status.HTTP_202_ACCEPTED)
async def rescore_run(
    run_id: uuid.UUID, session: SessionDep, caller: CallerDep, rescores: RescorerDep
) -> RescoreState:
    """Re-score one run's stored answers (no LLM call), then its audit's analysis."""
    run = await run_or_404(session, run_id, caller)
    return await rescores.start("run", run.id)


@router.post("/audits/{audit_id}/rescore", status_code=status.HTTP_202_ACCEPTED)
async def rescore_audit(
    audit_id: uuid.UUID, session: SessionDep, caller: CallerDep, rescores: RescorerDep
) -> RescoreState:
    """Re-score every run of one closed audit and re-run its cross-model analysis."""
    audit = await audit_or_404(session, audit_id, caller)
    return await rescores.start("audit", audit.id)


@router.post("/properties/{property_id}/rescore", status_code=status.HTTP_202_ACCEPTED)
async def rescore_property(prop: PropertyDep, rescores: RescorerDep) -> RescoreState:
    """Re-score every closed audit of a property."""
    return await rescores.start("property", prop.id)


@router.post("/rescore", status_code=status.HTTP_202_ACCEPTED)
async def rescore_everything(rescores: RescorerDep, _: AdminDep) -> RescoreState:
    """Re-score every closed audit of every property (admin key only)."""
    return await rescores.start("all", None)


@router.get("/rescores/{workflow_id}")
async def read_rescore(
    workflow_id: Annotated[str, Path(pattern=r"^rescore-[a-z0-9-]{1,120}$")],
    session: SessionDep,
    caller: CallerDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> RescoreState:
    """A re-scoring's status and figures: audits, runs and answers re-scored, answers changed."""
    try:
        kind, target = parse(workflow_id)
    except ValueError as exc:
        raise HTTPException(status_code=404, detail=f"no re-scoring {workflow_id}") from exc
    if not await visible_target(session, caller, kind, target):
        raise HTTPException(status_code=404, detail=f"no re-scoring {workflow_id}")
    handle: WorkflowHandle[RescoreWorkflow, RescoreTotals] = temporal.get_workflow_handle(
        workflow_id, result_type=RescoreTotals
    )
    try:
        return await describe(settings, handle)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise HTTPException(status_code=404, detail=f"no re-scoring {workflow_id}") from exc
        raise temporal_down() from exc
