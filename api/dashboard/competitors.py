"""The competitors page of a property: each rival over time, and the pages cited for them.

Built from the API's own services (`GET /properties/{id}/competitors` and `/source-gaps`), so a
figure here is the figure the API answers; each links to the answers behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.dashboard.access import ViewerDep
from api.dashboard.forms import parse_id
from api.dashboard.templating import render
from api.deps import SessionDep, SettingsDep
from api.lookups import property_or_404
from api.schemas.competitors import (
    CompetitorPoint,
    CompetitorsOut,
    CompetitorSurface,
    CompetitorTrend,
)
from api.services.competitors import competitors_over_time, property_source_gaps
from geo.alerts import overtaken_alert

router = APIRouter(prefix="/app/properties")
AUDITS = 12
GAP_PAGES = 25


@dataclass(frozen=True)
class Row:
    """One competitor (or the property) on one surface."""

    trend: CompetitorTrend
    surface: CompetitorSurface
    cells: list[CompetitorPoint | None]  # per audit of the page; None: not asked there

    @property
    def arrow(self) -> str:
        change = self.surface.change
        if change is None:
            return ""
        v = change.visibility
        return "▲ up" if v > 0 else "▼ down" if v < 0 else "▶ steady"


def surface_rows(out: CompetitorsOut) -> dict[str, list[Row]]:
    """Per surface, the property's row then each competitor's, aligned on the page's audits."""
    tables: dict[str, list[Row]] = {}
    for surface in out.surfaces:
        rows = []
        for trend in [out.property, *out.competitors]:
            found = trend.surfaces.get(surface)
            if found is None:
                continue
            points = {p.audit_id: p for p in found.series}
            rows.append(Row(trend, found, [points.get(a.audit_id) for a in out.audits]))
        tables[surface] = rows
    return tables


def app_link(api_url: str) -> str:
    """The dashboard's answers page for an API `/answers?…` link."""
    return "/app" + api_url


@router.get("/{property_id}/competitors", response_class=HTMLResponse)
async def competitors_page(
    request: Request,
    property_id: str,
    session: SessionDep,
    settings: SettingsDep,
    caller: ViewerDep,
    surface: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    prop = await property_or_404(session, parse_id(property_id, "property"), caller)
    out = await competitors_over_time(
        session, settings, prop, surface=surface or None, limit_audits=AUDITS
    )
    gaps = await property_source_gaps(session, prop, limit=GAP_PAGES, limit_audits=52)
    overtaken = [f"{t.name} on {s}" for t in out.competitors for s in t.overtakes]
    return render(
        request,
        "competitors.html",
        prop=prop,
        out=out,
        tables=surface_rows(out),
        gaps=gaps,
        surface=surface or "",
        banner=overtaken_alert(overtaken),
        app_link=app_link,
    )
