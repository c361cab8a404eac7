"""Re-scoring workflows: starting one per target and scoring version, reading one back, and
whether a caller may see it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi import HTTPException
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.auth import Caller
from api.errors import temporal_down
from api.lookups import audit_or_404, property_or_404, run_or_404
from api.schemas import RescoreState
from api.services.links import workflow_url
from config.settings import Settings
from contracts.names import TASK_QUEUE
from contracts.rescore import RescoreInput, RescoreTarget, RescoreTotals, rescore_workflow_id
from geo.scoring import SCORING_VERSION
from workflows.rescore import RescoreWorkflow


def parse(workflow_id: str) -> tuple[RescoreTarget, uuid.UUID | None]:
    """What a re-scoring workflow re-scores, from its id; ValueError for no such id."""
    _, kind, rest = workflow_id.split("-", 2)
    if kind == "all":
        return "all", None
    if kind not in ("run", "audit", "property"):
        raise ValueError(workflow_id)
    return kind, uuid.UUID(rest[:36])  # type: ignore[return-value]


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
    kind, target = parse(handle.id)
    return RescoreState(
        workflow_id=handle.id,
        kind=kind,
        target_id=target,
        scoring_version=progress.scoring_version if progress else SCORING_VERSION,
        status=state,
        progress=progress,
        links={"self": f"/rescores/{handle.id}", "temporal_ui": workflow_url(settings, handle.id)},
    )


async def visible_target(
    session: AsyncSession, caller: Caller, kind: RescoreTarget, target: uuid.UUID | None
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


@dataclass(frozen=True)
class Rescorer:
    """Starts re-scorings: idempotent per target and scoring version unless `force`."""

    temporal: Client
    settings: Settings
    force: bool = False

    async def start(self, kind: RescoreTarget, target_id: uuid.UUID | None) -> RescoreState:
        target = str(target_id) if target_id else None
        workflow_id = rescore_workflow_id(kind, target, SCORING_VERSION)
        if self.force:
            workflow_id += f"-{uuid.uuid4().hex[:8]}"
        try:
            try:
                handle = await self.temporal.start_workflow(
                    RescoreWorkflow.run,
                    RescoreInput(kind=kind, target_id=target, scoring_version=SCORING_VERSION),
                    id=workflow_id,
                    task_queue=TASK_QUEUE,
                    id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
                    id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                    static_summary=(
                        f"re-score {kind} {target_id or ''} with rules v{SCORING_VERSION}"
                    ),
                )
            except WorkflowAlreadyStartedError:  # this target and version were re-scored already
                handle = self.temporal.get_workflow_handle_for(RescoreWorkflow.run, workflow_id)
            return await describe(self.settings, handle)
        except RPCError as exc:
            raise temporal_down() from exc
