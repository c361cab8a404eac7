"""Loading an audit's plan: the property, its active panel and the surfaces' settings."""

from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.payloads import AuditPlan, LoadPlanInput, QuerySpec, SurfacePlan
from db import audits
from db.models import Run
from db.properties import get_property, list_queries, profile_of
from surfaces.config import SurfaceConfig


class PlanningActivities:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], surfaces: dict[str, SurfaceConfig]
    ) -> None:
        self._sessions = sessions
        self._surfaces = surfaces

    @activity.defn
    async def load_audit_plan(self, inp: LoadPlanInput) -> AuditPlan:
        """Snapshot the panel for this audit and mark it running."""
        unknown = [s for s in inp.surfaces if s not in self._surfaces]
        if unknown:
            raise ApplicationError(
                f"surfaces not configured on this worker: {', '.join(unknown)}",
                type="UnknownSurface",
                non_retryable=True,
            )
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
            await audits.mark_running(session, uuid.UUID(inp.audit_id))
            for surface, run_id in inp.run_ids.items():
                await session.execute(
                    update(Run)
                    .where(Run.id == uuid.UUID(run_id))
                    .values(model_name=self._surfaces[surface].model, query_count=len(queries))
                )
            profile = profile_of(prop)
        return AuditPlan(
            profile=profile,
            queries=[
                QuerySpec(query_id=str(q.id), text=q.text, type=q.type, weight=q.weight, index=i)
                for i, q in enumerate(queries, start=1)
            ],
            surfaces=[
                SurfacePlan(
                    surface=s,
                    run_id=inp.run_ids[s],
                    model=self._surfaces[s].model,
                    max_concurrency=self._surfaces[s].max_concurrency,
                )
                for s in inp.surfaces
            ],
        )
