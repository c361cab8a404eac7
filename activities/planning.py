"""Loading an audit's plan: the property, its active panel and the surfaces' settings."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import metrics
from contracts.audit import (
    AuditInput,
    AuditPlan,
    LoadPlanInput,
    OpenAuditInput,
    QuerySpec,
    SurfacePlan,
)
from contracts.status import AuditStatus
from db import audits
from db.audits import AuditRequest
from db.models import Audit, Run
from db.properties import get_property, list_queries, profile_of
from surfaces.config import SurfaceConfig


class PlanningActivities:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        surfaces: dict[str, SurfaceConfig],
        *,
        chunk_size: int = 200,
        history_budget: int = 3_000,
    ) -> None:
        self._sessions = sessions
        self._surfaces = surfaces
        self._chunk_size = chunk_size
        self._history_budget = history_budget

    @activity.defn
    async def open_audit(self, inp: OpenAuditInput) -> AuditInput:
        """Create the audit and run rows for a scheduled start (idempotent by audit id)."""
        self._check_surfaces(inp.surfaces)
        request = AuditRequest(
            audit_id=uuid.UUID(inp.audit_id),
            workflow_id=inp.workflow_id,
            property_id=uuid.UUID(inp.property_id),
            surfaces=[self._surfaces[s] for s in inp.surfaces],
            mode=inp.mode,
            web_search=inp.web_search,
            samples_per_query=inp.samples_per_query,
            max_cost_usd=inp.max_cost_usd,
            asker_location=inp.asker_location,
        )
        async with self._sessions() as session, session.begin():
            audit = await audits.get_audit(session, request.audit_id)
            if audit is None:
                audit = await self._open(session, request)
            return audits.workflow_input(audit)

    async def _open(self, session: AsyncSession, request: AuditRequest) -> Audit:
        if await get_property(session, request.property_id) is None:
            raise ApplicationError(
                f"property {request.property_id} not found", type="NotFound", non_retryable=True
            )
        try:
            return await audits.open_audit(session, request)
        except audits.NoActiveQueries as exc:
            raise ApplicationError(str(exc), type="NoQueries", non_retryable=True) from exc

    @activity.defn
    async def load_audit_plan(self, inp: LoadPlanInput) -> AuditPlan:
        """Snapshot the panel for this audit and mark it running."""
        self._check_surfaces(inp.surfaces)
        async with self._sessions() as session, session.begin():
            prop = await get_property(session, uuid.UUID(inp.property_id))
            if prop is None:
                raise ApplicationError(
                    f"property {inp.property_id} not found", type="NotFound", non_retryable=True
                )
            queries = await list_queries(session, prop.id, active_only=True)
            if not queries:
                raise ApplicationError(
                    "the property has no active queries", type="NoQueries", non_retryable=True
                )
            before = await session.scalar(
                select(Audit.status).where(Audit.id == uuid.UUID(inp.audit_id))
            )
            await audits.mark_running(session, uuid.UUID(inp.audit_id))
            for surface, run_id in inp.run_ids.items():
                await session.execute(
                    update(Run)
                    .where(Run.id == uuid.UUID(run_id))
                    .values(model_name=self._surfaces[surface].model, query_count=len(queries))
                )
            profile = profile_of(prop)
        # mark_running moved it; a retry of this activity finds it running and counts nothing.
        if before == AuditStatus.QUEUED:
            metrics.audit_started()
        return AuditPlan(
            profile=profile,
            queries=[
                QuerySpec(
                    query_id=str(q.id),
                    text=q.text,
                    type=q.type,
                    weight=q.weight,
                    index=i,
                    persona=q.persona,
                    language=q.language,
                )
                for i, q in enumerate(queries, start=1)
            ],
            surfaces=[
                SurfacePlan(
                    surface=s,
                    run_id=inp.run_ids[s],
                    model=self._surfaces[s].model,
                    max_concurrency=self._surfaces[s].max_concurrency,
                    timeout_s=self._surfaces[s].timeout_s,
                    chunk_size=self._chunk_size,
                    history_budget=self._history_budget,
                )
                for s in inp.surfaces
            ],
        )

    def _check_surfaces(self, surfaces: list[str]) -> None:
        unknown = [s for s in surfaces if s not in self._surfaces]
        if unknown:
            raise ApplicationError(
                f"surfaces not configured on this worker: {', '.join(unknown)}",
                type="UnknownSurface",
                non_retryable=True,
            )
