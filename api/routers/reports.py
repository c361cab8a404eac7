"""GET /audits/{id}/report?format=html|markdown."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from api.deps import SessionDep
from api.lookups import audit_or_404
from api.routers.insights import read_insights
from api.routers.trends import build_recommendations
from db import trends
from db.models import Audit
from db.properties import get_property
from db.runs import run_answers
from reports.html import render_html
from reports.markdown import render_markdown
from reports.model import QueryCell, QueryRow, ReportData, SurfaceCard, TrendPoint

router = APIRouter(prefix="/audits", tags=["reports"])


async def collect(session: SessionDep, audit: Audit) -> ReportData:
    insights = await read_insights(audit.id, session)
    analysis = insights.cross_model
    recommendations = await build_recommendations(session, audit.property_id)
    surfaces = [r.surface for r in audit.runs]
    cards: list[SurfaceCard] = []
    rows: dict[str, QueryRow] = {}
    by_type: dict[str, dict[str, list[bool]]] = {}
    for run in audit.runs:
        score = run.score
        cards.append(
            SurfaceCard(
                surface=run.surface,
                model=run.model_name,
                status=run.status,
                overall_score=score.overall_score if score else None,
                weighted_score=score.weighted_score if score else None,
                visibility_pct=score.visibility_pct if score else None,
                visibility_ci=(score.visibility_ci_low, score.visibility_ci_high)
                if score
                and score.visibility_ci_low is not None
                and score.visibility_ci_high is not None
                else None,
                avg_llm_rank=score.avg_llm_rank if score else None,
                avg_link_rank=score.avg_link_rank if score else None,
                avg_sov=score.avg_sov if score else None,
                answered=run.answers_done,
                errors=run.errors_count,
                cost_usd=run.cost_usd,
                error_message=run.error_message,
            )
        )
        for a in await run_answers(session, run.id):
            row = rows.setdefault(
                f"{a.query_id}", QueryRow(text=a.query_text, type=a.query_type, cells={})
            )
            if a.sample > 0 and run.surface in row.cells:
                continue  # the first sample stands for the question in the tables
            row.cells[run.surface] = QueryCell(
                presence=a.presence,
                rank=a.llm_rank,
                score=a.score,
                entities=[str(e.get("name", "")) for e in a.ordered_entities or []],
                citations=[c.domain for c in a.citations],
                flags=list(a.flags or []),
                error=a.error_message if a.status == "error" else None,
            )
            if a.status == "ok":
                by_type.setdefault(a.query_type, {}).setdefault(run.surface, []).append(a.presence)
    trend = [
        TrendPoint(
            audit_id=str(past.id),
            at=past.created_at,
            scores={
                r.surface: r.score.overall_score
                for r in past.runs
                if r.score and r.status == "completed"
            },
        )
        for past in await trends.closed_audits(session, audit.property_id, 12)
        if past.created_at <= audit.created_at
    ]
    owner = await get_property(session, audit.property_id)
    return ReportData(
        property_name=owner.name if owner else "",
        location=", ".join(
            p for p in ((owner.neighborhood, owner.city, owner.state) if owner else ()) if p
        ),
        audit_id=str(audit.id),
        created_at=audit.created_at,
        status=audit.status,
        mode=audit.mode,
        web_search=audit.web_search,
        samples_per_query=audit.samples_per_query,
        surfaces=surfaces,
        cards=cards,
        visibility_by_type={
            t: {s: round(100 * sum(v) / len(v), 1) for s, v in per.items() if v}
            for t, per in by_type.items()
        },
        competitors=analysis.competitors,
        cited_domains=analysis.cited_domains,
        agreement_rate=analysis.agreement_rate,
        brand_sov_pct=analysis.brand_sov_pct,
        trend=trend,
        summary=insights.summary,
        recommendations=recommendations.recommendations[:12],
        queries=list(rows.values()),
    )


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
    audit_id: uuid.UUID, session: SessionDep, format: Literal["html", "markdown"] = "html"
) -> Response:
    """One self-contained page (inline CSS, SVG charts; nothing fetched), or Markdown."""
    audit = await audit_or_404(session, audit_id)
    data = await collect(session, audit)
    if format == "markdown":
        return PlainTextResponse(render_markdown(data), media_type="text/markdown")
    return HTMLResponse(render_html(data))
