"""GET /audits/{id}/report?format=html|markdown."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from api.auth import CallerDep
from api.deps import SessionDep
from api.lookups import audit_or_404
from api.services.reports import collect
from reports.html import render_html
from reports.markdown import render_markdown

router = APIRouter(prefix="/audits", tags=["reports"])
NOSNIFF = {"X-Content-Type-Options": "nosniff"}
# The report is one page with inline styles and inline SVG: it needs nothing else, so a model's
# text that slipped past the escaping could still load or run nothing.
REPORT_HEADERS = {
    **NOSNIFF,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


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
    format: Literal["html", "markdown"] = "html",
) -> Response:
    """One self-contained page (inline CSS, SVG charts; nothing fetched), or Markdown."""
    audit = await audit_or_404(session, audit_id, caller)
    data = await collect(session, audit)
    if format == "markdown":
        return PlainTextResponse(render_markdown(data), media_type="text/markdown", headers=NOSNIFF)
    return HTMLResponse(render_html(data), headers=REPORT_HEADERS)
