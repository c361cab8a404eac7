"""A report's data: one audit's scorecard, analysis, trend, recommendations and questions."""

from __future__ import annotations

from typing import Literal

from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.services.insights import insights_of
from api.services.runs import visibility_interval
from db import trends
from db.models import Answer, Audit, Property, Run
from db.properties import get_property
from db.recommendations import audit_recommendations
from db.runs import run_answers
from reports.html import render_html
from reports.markdown import render_markdown
from reports.model import QueryCell, QueryRow, ReportData, SurfaceCard, TrendPoint

TREND_AUDITS = 12
RECOMMENDATIONS_SHOWN = 12


def surface_card(run: Run) -> SurfaceCard:
    score = run.score
    return SurfaceCard(
        surface=run.surface,
        model=run.model_name,
        status=run.status,
        overall_score=score.overall_score if score else None,
        weighted_score=score.weighted_score if score else None,
        visibility_pct=score.visibility_pct if score else None,
        visibility_ci=visibility_interval(score),
        avg_llm_rank=score.avg_llm_rank if score else None,
        avg_link_rank=score.avg_link_rank if score else None,
        avg_sov=score.avg_sov if score else None,
        answered=run.answers_done,
        errors=run.errors_count,
        cost_usd=run.cost_usd,
        error_message=run.error_message,
    )


class QueryTable:
    """One row per question with a cell per surface, the first sample standing for the
    question; and, per query type and surface, the presence of the usable answers it shows."""

    def __init__(self) -> None:
        self.rows: dict[str, QueryRow] = {}
        self.presence: dict[str, dict[str, list[bool]]] = {}

    def add(self, surface: str, answers: list[Answer]) -> None:
        for a in answers:
            row = self.rows.setdefault(
                f"{a.query_id}", QueryRow(text=a.query_text, type=a.query_type, cells={})
            )
            if a.sample > 0 and surface in row.cells:
                continue
            row.cells[surface] = QueryCell(
                presence=a.presence,
                rank=a.llm_rank,
                score=a.score,
                entities=[str(e.get("name", "")) for e in a.ordered_entities or []],
                citations=[c.domain for c in a.citations],
                flags=list(a.flags or []),
                error=a.error_message if a.status == "error" else None,
            )
            if a.status == "ok":
                self.presence.setdefault(a.query_type, {}).setdefault(surface, []).append(
                    a.presence
                )

    def visibility_by_type(self) -> dict[str, dict[str, float]]:
        """Query type -> surface -> the percentage of its answers naming the property."""
        return {
            t: {s: round(100 * sum(v) / len(v), 1) for s, v in per.items() if v}
            for t, per in self.presence.items()
        }


async def _trend(session: AsyncSession, audit: Audit) -> list[TrendPoint]:
    """Each completed surface's score in the property's closed audits up to this one."""
    return [
        TrendPoint(
            audit_id=str(past.id),
            at=past.created_at,
            scores={
                r.surface: r.score.overall_score
                for r in past.runs
                if r.score and r.status == "completed"
            },
        )
        for past in await trends.closed_audits(session, audit.property_id, TREND_AUDITS)
        # Scores of other rules measure something else: the trend shows this audit's version.
        if past.created_at <= audit.created_at and past.scoring_version == audit.scoring_version
    ]


def _location(owner: Property | None) -> str:
    parts = (owner.neighborhood, owner.city, owner.state) if owner else ()
    return ", ".join(p for p in parts if p)


async def collect(session: AsyncSession, audit: Audit) -> ReportData:
    insights = await insights_of(session, audit)
    analysis = insights.cross_model
    recommendations = await audit_recommendations(session, audit)
    table = QueryTable()
    for run in audit.runs:
        table.add(run.surface, await run_answers(session, run.id))
    trend = await _trend(session, audit)
    owner = await get_property(session, audit.property_id)
    return ReportData(
        property_name=owner.name if owner else "",
        location=_location(owner),
        audit_id=str(audit.id),
        created_at=audit.created_at,
        status=audit.status,
        scoring_version=audit.scoring_version,
        rescored_at=audit.rescored_at,
        mode=audit.mode,
        web_search=audit.web_search,
        samples_per_query=audit.samples_per_query,
        surfaces=[r.surface for r in audit.runs],
        cards=[surface_card(r) for r in audit.runs],
        visibility_by_type=table.visibility_by_type(),
        competitors=analysis.competitors,
        cited_domains=analysis.cited_domains,
        agreement_rate=analysis.agreement_rate,
        brand_sov_pct=analysis.brand_sov_pct,
        trend=trend,
        summary=insights.summary,
        recommendations=recommendations[:RECOMMENDATIONS_SHOWN],
        queries=list(table.rows.values()),
    )


ReportFormat = Literal["html", "markdown"]
NOSNIFF = {"X-Content-Type-Options": "nosniff"}
# The report is one page with inline styles and inline SVG: it needs nothing else, so a model's
# text that slipped past the escaping could still load or run nothing.
REPORT_HEADERS = {
    **NOSNIFF,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


def report_response(data: ReportData, format: ReportFormat) -> Response:
    """One self-contained page (inline CSS, SVG charts; nothing fetched), or Markdown."""
    if format == "markdown":
        return PlainTextResponse(render_markdown(data), media_type="text/markdown", headers=NOSNIFF)
    return HTMLResponse(render_html(data), headers=REPORT_HEADERS)
