"""Re-scoring stored answers with today's rules: a run, an audit, a property or everything.

Each start is idempotent per target and scoring version: asking again answers with the same
workflow (running or done) instead of re-scoring twice; `?force=true` re-scores once more (after
a property's brand domains were corrected, say).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import BaseModel
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from api.auth import AdminDep, Caller, CallerDep
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.lookups import audit_or_404, property_or_404, run_or_404
from config.settings import Settings
from contracts.names import TASK_QUEUE
from contracts.rescore import RescoreInput, RescoreTotals, rescore_workflow_id
from geo.scoring import SCORING_VERSION
from workflows.rescore import RescoreWorkflow

router = APIRouter(tags=["rescoring"])
Force = Annotated[bool, Query(description="re-score again even if this version already ran")]


class RescoreState(BaseModel):
    workflow_id: str
    kind: Literal["run", "audit", "property", "all"]
    target_id: uuid.UUID | None
    scoring_version: int
    status: str
    progress: RescoreTotals | None
    links: dict[str, str]


def _ui(settings: Settings, workflow_id: str) -> str:
    base = settings.temporal_ui_url.rstrip("/")
    return f"{base}/namespaces/{settings.temporal_namespace}/workflows/{workflow_id}"


async def describe(
    settings: Settings, handle: WorkflowHandle[RescoreWorkflow, RescoreTotals]
) -> RescoreState:
    desc = await handle.describe()
    state = desc.status.name.lower() if desc.status else "unknown"
    progress: RescoreTotals | None = None
    if desc.status == WorkflowExecutionStatus.COMPLETED:
        progress = await handle.result()
    elif desc.status == WorkflowExecutionStatus.RUNNING:
        progress = await handle.query(RescoreWorkflow.progress)
    kind, target = _parse(handle.id)
    return RescoreState(
        workflow_id=handle.id,
        kind=kind,
        target_id=target,
        scoring_version=progress.scoring_version if progress else SCORING_VERSION,
        status=state,
        progress=progress,
        links={"self": f"/rescores/{handle.id}", "temporal_ui": _ui(settings, handle.id)},
    )


async def _visible_target(
    session: SessionDep, caller: Caller, kind: str, target: uuid.UUID | None
) -> bool:
    """Whether the caller may see what a re-scoring re-scored (everything: the admin only)."""
    try:
        if kind == "run" and target is not None:
            await run_or_404(session, target, caller)
        elif kind == "audit" and target is not None:
            await audit_or_404(session, target, caller)
        elif kind == "property" and target is not None:
            await property_or_404(session, target, caller)
        else:
            return caller.admin
    except HTTPException:
        return False
    return True


def _parse(workflow_id: str) -> tuple[Literal["run", "audit", "property", "all"], uuid.UUID | None]:
    _, kind, rest = workflow_id.split("-", 2)
    if kind == "all":
        return "all", None
    if kind not in ("run", "audit", "property"):
        raise ValueError(workflow_id)
    return kind, uuid.UUID(rest[:36])  # type: ignore[return-value]


async def start(
    temporal: Client,
    settings: Settings,
    kind: Literal["run", "audit", "property", "all"],
    target_id: uuid.UUID | None,
    force: bool,
) -> RescoreState:
    workflow_id = rescore_workflow_id(kind, str(target_id) if target_id else None, SCORING_VERSION)
    if force:
        workflow_id += f"-{uuid.uuid4().hex[:8]}"
    try:
        try:
            handle = await temporal.start_workflow(
                RescoreWorkflow.run,
                RescoreInput(
                    kind=kind,
                    target_id=str(target_id) if target_id else None,
                    scoring_version=SCORING_VERSION,
                ),
                id=workflow_id,
                task_queue=TASK_QUEUE,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                static_summary=f"re-score {kind} {target_id or ''} with rules v{SCORING_VERSION}",
            )
        except WorkflowAlreadyStartedError:  # this target and version were re-scored already
            handle = temporal.get_workflow_handle_for(RescoreWorkflow.run, workflow_id)
        return await describe(settings, handle)
    except RPCError as exc:
        raise HTTPException(status_code=503, detail="Temporal is unavailable; try again") from exc


@router.post("/runs/{run_id}/rescore", status_code=status.HTTP_202_ACCEPTED)
async def rescore_run(
    run_id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    force: Force = False,
) -> RescoreState:
    """Re-score one run's stored answers (no LLM call), then its audit's analysis."""
    run = await run_or_404(session, run_id, caller)
    return await start(temporal, settings, "run", run.id, force)


@router.post("/audits/{audit_id}/rescore", status_code=status.HTTP_202_ACCEPTED)
async def rescore_audit(
    audit_id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    force: Force = False,
) -> RescoreState:
    """Re-score every run of one closed audit and re-run its cross-model analysis."""
    audit = await audit_or_404(session, audit_id, caller)
    return await start(temporal, settings, "audit", audit.id, force)


@router.post("/properties/{property_id}/rescore", status_code=status.HTTP_202_ACCEPTED)
async def rescore_property(
    property_id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    force: Force = False,
) -> RescoreState:
    """Re-score every closed audit of a property."""
    prop = await property_or_404(session, property_id, caller)
    return await start(temporal, settings, "property", prop.id, force)


@router.post("/rescore", status_code=status.HTTP_202_ACCEPTED)
async def rescore_everything(
    temporal: TemporalDep, settings: SettingsDep, _: AdminDep, force: Force = False
) -> RescoreState:
    """Re-score every closed audit of every property (admin key only)."""
    return await start(temporal, settings, "all", None, force)


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
        kind, target = _parse(workflow_id)
    except ValueError as exc:
        raise HTTPException(status_code=404, detail=f"no re-scoring {workflow_id}") from exc
    if not await _visible_target(session, caller, kind, target):
        raise HTTPException(status_code=404, detail=f"no re-scoring {workflow_id}")
    handle = temporal.get_workflow_handle_for(RescoreWorkflow.run, workflow_id)
    try:
        return await describe(settings, handle)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise HTTPException(status_code=404, detail=f"no re-scoring {workflow_id}") from exc
        raise HTTPException(status_code=503, detail="Temporal is unavailable; try again") from exc
