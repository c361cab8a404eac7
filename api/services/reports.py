"""A report's data: one audit's scorecard, analysis, trend, recommendations and questions."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from api.services.insights import insights_of
from db import trends
from db.models import Audit
from db.properties import get_property
from db.recommendations import audit_recommendations
from db.runs import run_answers
from reports.model import QueryCell, QueryRow, ReportData, SurfaceCard, TrendPoint


async def collect(session: AsyncSession, audit: Audit) -> ReportData:
    insights = await insights_of(session, audit)
    analysis = insights.cross_model
    recommendations = await audit_recommendations(session, audit)
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
        # Scores of other rules measure something else: the trend shows this audit's version.
        if past.created_at <= audit.created_at and past.scoring_version == audit.scoring_version
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
        scoring_version=audit.scoring_version,
        rescored_at=audit.rescored_at,
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
        recommendations=recommendations[:12],
        queries=list(rows.values()),
    )
