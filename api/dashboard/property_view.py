"""What the property page shows, gathered from the API's own services and data access: the
standing and its history, the latest closed audit seen several ways (surfaces side by side,
question types, the positioning matrix, recommendations), competitors and cited domains over
audits, the question panel, the recent audits and the schedule."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean

from fastapi import HTTPException
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.service import RPCError

from api.dashboard import charts
from api.errors import temporal_unreachable
from api.schemas import AuditState, CombinedScore, DomainSeen, RunTrend, ScheduleOut
from api.schemas.segments import PropertySegments
from api.services.audits import state_from_db
from api.services.insights import insights_of
from api.services.recommendations import summarise
from api.services.reports import collect, dashboard_links
from api.services.schedules import read_schedule
from api.services.segments import location_segments
from api.services.trends import combined_score, domains_seen, run_trends
from config.settings import Settings
from db import trends
from db.audits import recent_audits
from db.models import Property, Query
from db.properties import list_queries
from db.recommendations import audit_recommendations
from geo.insights import CompetitorStat
from geo.positioning import (
    HIGH_VISIBILITY,
    PLACES,
    TOP_RANK,
    Place,
    Placed,
    Sighting,
    matrix,
    place_question,
)
from geo.recommendations import Recommendation
from reports.model import QueryRow, ReportData, SurfaceCard

# A gap between two surfaces worth saying out loud (the seed's ModelComparisonCard).
IMBALANCE_POINTS = 10.0
COMPETITOR_AUDITS = 6
COMPETITORS_SHOWN = 12
COMPETITORS_CHARTED = 5
DOMAINS_SHOWN = 40
RECENT_AUDITS = 10

REGIONS: dict[Place, str] = {
    "dominate": f"Named in at least {HIGH_VISIBILITY:.0f} % of the answers and in the top "
    f"{TOP_RANK:.0f} on average: keep it.",
    "defend": f"Named in at least {HIGH_VISIBILITY:.0f} % of the answers but below the top "
    f"{TOP_RANK:.0f}: rivals outrank the property.",
    "improve": f"Named in fewer than {HIGH_VISIBILITY:.0f} % of the answers, yet in the top "
    f"{TOP_RANK:.0f} when named: be named more often.",
    "expand": f"Named in fewer than {HIGH_VISIBILITY:.0f} % of the answers and low or never: "
    "new ground to win.",
}


def _label(at: datetime) -> str:
    return at.strftime("%d %b %Y %H:%M")


@dataclass(frozen=True)
class AuditPoint:
    """One completed audit on the history chart: each surface's score and visibility."""

    audit_id: uuid.UUID
    at: datetime
    scores: dict[str, float]
    visibility: dict[str, float]


def score_history(runs: list[RunTrend]) -> list[AuditPoint]:
    """Every audit with a completed, scored run, oldest first."""
    points: dict[uuid.UUID, AuditPoint] = {}
    for run in sorted(runs, key=lambda r: r.created_at):
        if run.status != "completed" or run.overall_score is None:
            continue
        point = points.setdefault(run.audit_id, AuditPoint(run.audit_id, run.created_at, {}, {}))
        point.scores[run.surface] = run.overall_score
        if run.visibility_pct is not None:
            point.visibility[run.surface] = run.visibility_pct
    return list(points.values())


def history_chart(points: list[AuditPoint]) -> Markup | None:
    surfaces = sorted({s for p in points for s in p.scores})
    return charts.score_history(
        [_label(p.at) for p in points],
        {s: [p.scores.get(s) for p in points] for s in surfaces},
        {s: [p.visibility.get(s) for p in points] for s in surfaces},
    )


def _extremes(cards: list[SurfaceCard], figure: str) -> tuple[str, str, float] | None:
    """(best surface, worst surface, the gap) on one figure, when at least two have it."""
    valued = [(c.surface, v) for c in cards if (v := getattr(c, figure)) is not None]
    if len(valued) < 2:
        return None
    high = max(valued, key=lambda sv: sv[1])
    low = min(valued, key=lambda sv: sv[1])
    return high[0], low[0], round(high[1] - low[1], 1)


def imbalances(cards: list[SurfaceCard]) -> list[str]:
    """Sentences for a gap of more than IMBALANCE_POINTS between the best and the worst
    surface, in score and in visibility."""
    out = []
    score = _extremes(cards, "overall_score")
    if score and score[2] > IMBALANCE_POINTS:
        high, low, gap = score
        out.append(f"{high} scores the property {gap:.1f} points higher than {low}.")
    seen = _extremes(cards, "visibility_pct")
    if seen and seen[2] > IMBALANCE_POINTS:
        high, low, gap = seen
        out.append(
            f"The property is named in {gap:.1f} points more of {high}'s answers than of {low}'s."
        )
    return out


def place_questions(rows: list[QueryRow]) -> dict[Place, list[Placed]]:
    """Each question of the audit placed by its answers on every surface (answers that failed
    say nothing about the property and are left out)."""
    placed = []
    for row in rows:
        sightings = [
            Sighting(present=cell.presence, rank=cell.rank)
            for cell in row.cells.values()
            if cell.error is None
        ]
        if sightings:
            placed.append(place_question(row.text, row.type, sightings))
    return matrix(placed)


def mean_by_type(by_type: dict[str, dict[str, float]]) -> dict[str, float]:
    """Question type -> its visibility averaged over the surfaces."""
    return {t: round(fmean(v.values()), 1) for t, v in sorted(by_type.items()) if v}


@dataclass(frozen=True)
class CompetitorRow:
    name: str
    domain: str
    cells: list[CompetitorStat | None]  # one per audit, oldest first


@dataclass(frozen=True)
class CompetitorTimeline:
    audits: list[tuple[uuid.UUID, datetime]]  # oldest first
    rows: list[CompetitorRow]

    def chart(self) -> Markup | None:
        top = self.rows[:COMPETITORS_CHARTED]
        return charts.competitor_mentions(
            [_label(at) for _, at in self.audits],
            {r.name: [c.mentions if c else 0 for c in r.cells] for r in top},
        )


def competitor_timeline(
    audits: list[tuple[uuid.UUID, datetime, list[CompetitorStat]]],
) -> CompetitorTimeline:
    """Competitors over audits (given newest first), the latest audit's leaders first."""
    ordered = sorted(audits, key=lambda a: a[1])
    by_key: dict[str, dict[uuid.UUID, CompetitorStat]] = {}
    names: dict[str, CompetitorStat] = {}
    for audit_id, _, stats in ordered:
        for stat in stats:
            by_key.setdefault(stat.key, {})[audit_id] = stat
            names[stat.key] = stat  # the latest name it was seen under
    latest = ordered[-1][0] if ordered else None

    def rank(key: str) -> tuple[int, int, str]:
        seen = by_key[key]
        now = seen[latest].mentions if latest in seen else 0
        return (-now, -sum(s.mentions for s in seen.values()), names[key].name.casefold())

    keys = sorted(by_key, key=rank)[:COMPETITORS_SHOWN]
    return CompetitorTimeline(
        audits=[(a, at) for a, at, _ in ordered],
        rows=[
            CompetitorRow(
                name=names[k].name,
                domain=names[k].domain,
                cells=[by_key[k].get(a) for a, _, _ in ordered],
            )
            for k in keys
        ],
    )


@dataclass
class PropertyView:
    prop: Property
    score: CombinedScore
    history: list[AuditPoint]
    history_chart: Markup | None
    scoring_note: str | None
    report: ReportData | None
    imbalances: list[str]
    by_type: dict[str, float]
    rings: Markup | None
    matrix: dict[Place, list[Placed]]
    competitors: CompetitorTimeline
    competitors_chart: Markup | None
    domains: list[DomainSeen]
    domain_counts: dict[str, int]
    recommendations: list[Recommendation]
    recommendation_summary: dict[str, object]
    queries: list[Query]
    recent: list[AuditState]
    locations: PropertySegments
    regions: dict[Place, str] = field(default_factory=lambda: dict(REGIONS))
    places: tuple[Place, ...] = PLACES

    def history_surfaces(self) -> list[str]:
        return sorted({s for point in self.history for s in point.scores})


async def property_view(session: AsyncSession, settings: Settings, prop: Property) -> PropertyView:
    runs = await trends.property_runs(session, prop.id)
    trend_rows = run_trends(runs, len(runs), 0)
    history = score_history(trend_rows)
    versions = {r.scoring_version for r in trend_rows if r.scoring_version is not None}
    latest = await trends.latest_closed_audit(session, prop.id)
    report = await collect(session, latest, dashboard_links(settings)) if latest else None
    recs = await audit_recommendations(session, latest) if latest else []
    past = await trends.closed_audits(session, prop.id, COMPETITOR_AUDITS)
    timeline = competitor_timeline(
        [
            (a.id, a.created_at, (await insights_of(session, a)).cross_model.competitors)
            for a in past
        ]
    )
    domains = domains_seen(await trends.domain_timeline(session, prop.id))
    by_type = mean_by_type(report.visibility_by_type) if report else {}
    return PropertyView(
        prop=prop,
        score=combined_score(prop.id, runs),
        history=history,
        history_chart=history_chart(history),
        scoring_note=(
            "These audits were scored with different versions of the rules; re-score the "
            "property to compare them."
            if len(versions) > 1
            else None
        ),
        report=report,
        imbalances=imbalances(report.cards) if report else [],
        by_type=by_type,
        rings=charts.type_rings(by_type),
        matrix=place_questions(report.queries) if report else matrix([]),
        competitors=timeline,
        competitors_chart=timeline.chart(),
        domains=domains[:DOMAINS_SHOWN],
        domain_counts={s: sum(d.status == s for d in domains) for s in ("new", "gone", "steady")},
        recommendations=recs,
        recommendation_summary=summarise(recs),
        queries=await list_queries(session, prop.id),
        recent=[
            state_from_db(settings, a)
            for a in await recent_audits(session, prop.id, limit=RECENT_AUDITS)
        ],
        locations=await location_segments(session, settings, prop),
    )


@dataclass(frozen=True)
class ScheduleView:
    schedule: ScheduleOut | None
    problem: str | None = None  # why it could not be read


async def schedule_view(temporal: Client, property_id: uuid.UUID) -> ScheduleView:
    """The property's schedule, none, or why Temporal could not say."""
    try:
        return ScheduleView(await read_schedule(temporal, property_id))
    except HTTPException as exc:
        if exc.status_code == 404:
            return ScheduleView(None)
        return ScheduleView(None, str(exc.detail))
    except (RPCError, RuntimeError) as exc:
        if not temporal_unreachable(exc):
            raise
        return ScheduleView(None, "Temporal is unavailable; the schedule cannot be read now.")
