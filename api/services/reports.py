"""A report's data: one audit's scorecard, analysis, trend, recommendations and questions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.services.answers import API_ANSWERS, PAGE_ANSWERS, answers_link
from api.services.insights import insights_of
from api.services.links import workflow_url
from api.services.runs import visibility_interval
from config.settings import Settings
from db import trends
from db.models import Answer, Audit, Property, Run
from db.properties import get_property
from db.recommendations import audit_recommendations
from db.runs import run_answers
from db.segments import audit_records
from geo.segments import (
    UNSPECIFIED,
    AnswerRecord,
    Dimension,
    by_surface,
    kinds,
    location_key,
    split,
)
from reports.html import render_html
from reports.markdown import render_markdown
from reports.model import (
    QueryCell,
    QueryRow,
    ReportData,
    SegmentCell,
    SegmentRow,
    SurfaceCard,
    TrendPoint,
)

TREND_AUDITS = 12
RECOMMENDATIONS_SHOWN = 12
# A base URL a report may prefix to its links: a scheme, a host, a port, a plain path. Anything
# else (it comes from the request's Host header) and the links stay relative.
SAFE_BASE = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?")


@dataclass(frozen=True)
class ReportLinks:
    """Where a report's figures link: the answers behind them (the API's `/answers`, absolute
    when its public base URL is known, or the dashboard's evidence page), and each run's
    workflow in the Temporal Web UI."""

    answers_path: str
    workflow: Callable[[str], str]

    def answers(self, **params: object) -> str:
        return answers_link(self.answers_path, **params)


def api_links(settings: Settings, base_url: str = "") -> ReportLinks:
    base = base_url.rstrip("/")
    prefix = base if SAFE_BASE.fullmatch(base) else ""
    return ReportLinks(prefix + API_ANSWERS, lambda wid: workflow_url(settings, wid))


def dashboard_links(settings: Settings) -> ReportLinks:
    return ReportLinks(PAGE_ANSWERS, lambda wid: workflow_url(settings, wid))


def surface_card(run: Run, links: ReportLinks | None = None) -> SurfaceCard:
    score = run.score
    return SurfaceCard(
        answers_url=links.answers(run_id=run.id) if links else "",
        present_url=links.answers(run_id=run.id, present=True) if links else "",
        workflow_url=links.workflow(run.workflow_id) if links else "",
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


def segment_rows(
    audit: Audit, records: list[AnswerRecord], by: Dimension, links: ReportLinks | None
) -> list[SegmentRow]:
    """A row per persona (or language) with a cell per surface; none unless the audit asked
    as more than one."""
    order = kinds(records, by)
    if len(order) < 2:
        return []
    rows = {key: SegmentRow(key=key, label="", cells={}) for key in order}
    for surface, found in by_surface(records).items():
        for segment in split(found, by):
            params: dict[str, object] = {"audit_id": audit.id, "surface": surface, by: segment.key}
            row = rows[segment.key]
            row.label = segment.label
            row.cells[surface] = SegmentCell(
                score=segment.figures.overall_score,
                visibility_pct=segment.figures.visibility_pct,
                answers=segment.figures.answers,
                answers_url=links.answers(**params) if links else "",
                present_url=links.answers(**params, present=True) if links else "",
            )
    return list(rows.values())


async def collect(
    session: AsyncSession, audit: Audit, links: ReportLinks | None = None
) -> ReportData:
    """The report's data; with `links`, every figure links to the answers behind it."""
    insights = await insights_of(session, audit)
    analysis = insights.cross_model
    recommendations = await audit_recommendations(session, audit)
    table = QueryTable()
    for run in audit.runs:
        table.add(run.surface, await run_answers(session, run.id))
    trend = await _trend(session, audit)
    owner = await get_property(session, audit.property_id)
    records = await audit_records(session, audit.id)
    where, label = location_key(audit.asker_location)
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
        cards=[surface_card(r, links) for r in audit.runs],
        visibility_by_type=table.visibility_by_type(),
        competitors=analysis.competitors,
        cited_domains=analysis.cited_domains,
        agreement_rate=analysis.agreement_rate,
        brand_sov_pct=analysis.brand_sov_pct,
        trend=trend,
        summary=insights.summary,
        recommendations=recommendations[:RECOMMENDATIONS_SHOWN],
        queries=list(table.rows.values()),
        asker_location=label if where != UNSPECIFIED else "",
        by_persona=segment_rows(audit, records, "persona", links),
        by_language=segment_rows(audit, records, "language", links),
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
