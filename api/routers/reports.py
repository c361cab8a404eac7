"""GET /audits/{id}/report?format=html|markdown."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep
from api.lookups import audit_or_404
from api.services.reports import ReportFormat, api_links, collect, report_response

router = APIRouter(prefix="/audits", tags=["reports"])


@router.get(
    "/{audit_id}/report",
    response_model=None,
    responses={
        200: {
            "content": {
                "text/html": {"schema": {"type": "string"}},
                "text/markdown": {"schema": {"type": "string"}},
            }
        }
    },
)
async def read_report(
    audit_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    settings: SettingsDep,
    format: ReportFormat = "html",
) -> Response:
    """One self-contained page (inline CSS, SVG charts; nothing fetched), or Markdown; every
    score and visibility figure links to the answers behind it (`GET /answers`, on the address
    the report was asked at) and every surface to its workflow in the Temporal Web UI."""
    audit = await audit_or_404(session, audit_id, caller)
    links = api_links(settings, str(request.base_url))
    return report_response(await collect(session, audit, links), format)
