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
        return PlainTextResponse(render_markdown(data), media_type="text/markdown")
    return HTMLResponse(render_html(data))
