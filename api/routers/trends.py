"""A property over time: runs with diffs, the combined score, cited domains."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import SessionDep
from api.exports import CSV_RESPONSE, Format, csv_response
from api.lookups import PropertyDep
from api.paging import Limit, Offset, total_header
from api.schemas import CombinedScore, DomainSeen, PurgeIn, PurgeOut, RunTrend
from api.services.trends import (
    RUN_CSV_HEADER,
    combined_score,
    domains_seen,
    run_csv_rows,
    run_trends,
)
from db import trends

router = APIRouter(prefix="/properties", tags=["trends"])


@router.get("/{property_id}/runs", response_model=list[RunTrend], responses=CSV_RESPONSE)
async def read_runs(
    prop: PropertyDep,
    session: SessionDep,
    request: Request,
    response: Response,
    surface: Annotated[str | None, Query(max_length=40)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = "json",
) -> list[RunTrend] | Response:
    """Runs, newest first, each with its diff against the previous completed run of its surface.
    `format=csv` streams every run (limit and offset are for pages of JSON), with the run's
    finish time, ranks, share of voice, answers and errors beside."""
    if format == "csv":

        async def rows(stream: AsyncSession) -> AsyncIterator[Sequence[object]]:
            for row in run_csv_rows(await trends.property_runs(stream, prop.id, surface)):
                yield row

        return csv_response(request, f"runs-{prop.id}.csv", RUN_CSV_HEADER, rows)
    runs = await trends.property_runs(session, prop.id, surface)
    total_header(response, len(runs))
    return run_trends(runs, limit, offset)


@router.get("/{property_id}/score")
async def read_score(prop: PropertyDep, session: SessionDep) -> CombinedScore:
    """Latest completed run per surface, their mean, its bucket and the trend since before."""
    return combined_score(prop.id, await trends.property_runs(session, prop.id))


@router.post("/{property_id}/runs/purge")
async def purge_runs(prop: PropertyDep, body: PurgeIn, session: SessionDep) -> PurgeOut:
    """Delete run history (all surfaces or some); audits still running are never touched."""
    runs, audits = await trends.purge_runs(session, prop.id, body.surfaces)
    return PurgeOut(
        property_id=prop.id,
        surfaces=body.surfaces or "all",
        runs_deleted=runs,
        audits_deleted=audits,
    )


@router.get("/{property_id}/domains")
async def read_domains(prop: PropertyDep, session: SessionDep) -> list[DomainSeen]:
    """Cited domains with first and last audits: which sources appeared or vanished."""
    return domains_seen(await trends.domain_timeline(session, prop.id))
