"""A property over time: runs with diffs, the combined score, cited domains."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.auth import CallerDep
from api.deps import SessionDep
from api.lookups import property_or_404
from api.paging import Limit, Offset, total_header
from api.schemas import CombinedScore, DomainSeen, PurgeIn, PurgeOut, RunTrend
from api.services.trends import combined_score, domains_seen, run_trends
from db import trends

router = APIRouter(prefix="/properties", tags=["trends"])


@router.get("/{property_id}/runs")
async def read_runs(
    property_id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    surface: Annotated[str | None, Query(max_length=40)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[RunTrend]:
    """Runs, newest first, each with its diff against the previous completed run of its surface."""
    await property_or_404(session, property_id, caller)
    runs = await trends.property_runs(session, property_id, surface)
    total_header(response, len(runs))
    return run_trends(runs, limit, offset)


@router.get("/{property_id}/score")
async def read_score(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> CombinedScore:
    """Latest completed run per surface, their mean, its bucket and the trend since before."""
    await property_or_404(session, property_id, caller)
    return combined_score(property_id, await trends.property_runs(session, property_id))


@router.post("/{property_id}/runs/purge")
async def purge_runs(
    property_id: uuid.UUID, body: PurgeIn, session: SessionDep, caller: CallerDep
) -> PurgeOut:
    """Delete run history (all surfaces or some); audits still running are never touched."""
    await property_or_404(session, property_id, caller)
    runs, audits = await trends.purge_runs(session, property_id, body.surfaces)
    return PurgeOut(
        property_id=property_id,
        surfaces=body.surfaces or "all",
        runs_deleted=runs,
        audits_deleted=audits,
    )


@router.get("/{property_id}/domains")
async def read_domains(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> list[DomainSeen]:
    """Cited domains with first and last audits: which sources appeared or vanished."""
    await property_or_404(session, property_id, caller)
    return domains_seen(await trends.domain_timeline(session, property_id))
