"""GET /audits/{id}/report?format=html|markdown."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import Response

from api.auth import CallerDep
from api.deps import SessionDep
from api.lookups import audit_or_404
from api.services.reports import ReportFormat, collect, report_response

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
    session: SessionDep,
    caller: CallerDep,
    format: ReportFormat = "html",
) -> Response:
    """One self-contained page (inline CSS, SVG charts; nothing fetched), or Markdown."""
    audit = await audit_or_404(session, audit_id, caller)
    return report_response(await collect(session, audit), format)
