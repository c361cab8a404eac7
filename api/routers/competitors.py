"""Competitors over time and the pages the engines cite for them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import SessionDep, SettingsDep
from api.exports import CSV_RESPONSE, Format, csv_response, rows_of
from api.lookups import PropertyDep
from api.paging import Limit
from api.schemas.competitors import CompetitorsOut, SourceGapsOut
from api.services.competitors import (
    CSV_HEADER,
    GAP_CSV_HEADER,
    competitor_rows,
    competitors_over_time,
    gap_rows,
    property_source_gaps,
)

router = APIRouter(prefix="/properties", tags=["competitors"])

AuditsLimit = Annotated[
    int,
    Query(ge=1, le=52, description="the latest closed audits to read (scored by today's rules)"),
]


@router.get("/{property_id}/competitors", response_model=CompetitorsOut, responses=CSV_RESPONSE)
async def read_competitors(
    prop: PropertyDep,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    surface: Annotated[str | None, Query(max_length=40)] = None,
    limit_audits: AuditsLimit = 12,
    format: Format = "json",
) -> CompetitorsOut | Response:
    """Each competitor's (and the property's) mentions, visibility, average rank and share of
    voice per surface over the latest audits, the change since the previous audit, and the
    surfaces where it overtook the property. The profile's competitors, then the five places the
    latest audit named most. `?format=csv`: one row per (audit, surface, competitor)."""
    out = await competitors_over_time(
        session, settings, prop, surface=surface, limit_audits=limit_audits
    )
    if format == "csv":
        rows = list(competitor_rows(out))
        return csv_response(
            request, f"competitors-{prop.id}.csv", CSV_HEADER, lambda _: rows_of(rows)
        )
    return out


@router.get("/{property_id}/source-gaps", response_model=SourceGapsOut, responses=CSV_RESPONSE)
async def read_source_gaps(
    prop: PropertyDep,
    request: Request,
    session: SessionDep,
    limit: Limit = 50,
    limit_audits: AuditsLimit = 52,
    format: Format = "json",
) -> SourceGapsOut | Response:
    """The exact pages the answers cite for competitors and never for the property, ranked by
    the (question, surface) pairs citing them, then by citations; each with the competitors it
    favours, first and last seen, and the answers that cite it. `?format=csv` streams them."""
    out = await property_source_gaps(session, prop, limit=limit, limit_audits=limit_audits)
    if format == "csv":
        rows = list(gap_rows(out))
        return csv_response(
            request, f"source-gaps-{prop.id}.csv", GAP_CSV_HEADER, lambda _: rows_of(rows)
        )
    return out
