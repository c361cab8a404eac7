"""Competitors over time and page-level source gaps for a property, with a link from every
figure to the answers that produced it and to the run in the Temporal Web UI."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from urllib.parse import quote, urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.competitors import (
    CompetitorAudit,
    CompetitorChange,
    CompetitorPoint,
    CompetitorsOut,
    CompetitorSurface,
    CompetitorTrend,
    GapCompetitor,
    GapPageOut,
    SourceGapsOut,
)
from api.services.links import workflow_url
from config.settings import Settings
from db.models import Property
from db.properties import profile_of
from db.rivals import History, property_history
from geo.brand import BrandMatcher
from geo.overtaking import overtakes
from geo.profile import brand_context
from geo.rivals import PROPERTY_KEY, Point, Rival, Table, beats, competitor_set, table
from geo.scoring import SCORING_VERSION
from geo.source_gaps import GapPage, source_gaps

CSV_HEADER = (
    "audit_id",
    "created_at",
    "surface",
    "competitor",
    "domain",
    "listed",
    "aggregator",
    "is_property",
    "mentions",
    "answers",
    "visibility",
    "avg_rank",
    "sov",
    "answers_url",
    "workflow_url",
)
GAP_CSV_HEADER = (
    "url",
    "domain",
    "top_competitor",
    "competitors",
    "questions",
    "surfaces",
    "question_surfaces",
    "citations",
    "first_seen",
    "last_seen",
    "rival_site",
    "answers_url",
)


def answers_link(**filters: str) -> str:
    """The `/answers` list filtered to what produced a figure."""
    return "/answers?" + urlencode(filters, quote_via=quote)


class _Links:
    """Each (audit, surface)'s answers and workflow, and each audit's time and workflow."""

    def __init__(self, history: History, settings: Settings) -> None:
        self.settings = settings
        self.created = {str(a.audit_id): a.created_at for a in history.audits}
        self.runs = {
            (str(a.audit_id), r.surface): r.workflow_id for a in history.audits for r in a.runs
        }

    def point(self, p: Point, surface: str, name: str) -> CompetitorPoint:
        f = p.figures
        return CompetitorPoint(
            audit_id=uuid.UUID(p.audit_id),
            created_at=self.created[p.audit_id],
            mentions=f.mentions,
            answers=f.answers,
            visibility=f.visibility,
            avg_rank=f.avg_rank,
            sov=f.sov,
            answers_url=answers_link(audit_id=p.audit_id, surface=surface, mentions=name),
            workflow_url=workflow_url(self.settings, self.runs[(p.audit_id, surface)]),
        )


def _delta(now: float | None, before: float | None, digits: int) -> float | None:
    return None if now is None or before is None else round(now - before, digits)


def _change(points: list[Point]) -> CompetitorChange | None:
    if len(points) < 2:
        return None
    now, before = points[-1].figures, points[-2].figures
    return CompetitorChange(
        mentions=now.mentions - before.mentions,
        visibility=round(now.visibility - before.visibility, 2),
        avg_rank=_delta(now.avg_rank, before.avg_rank, 2),
        sov=_delta(now.sov, before.sov, 4),
    )


def _trend(rival: Rival | None, name: str, tab: Table, links: _Links) -> CompetitorTrend:
    """One row: a rival's (or, with `rival` None, the property's) series per surface."""
    key = rival.key if rival else PROPERTY_KEY
    mine, prop = tab.get(key, {}), tab.get(PROPERTY_KEY, {})
    return CompetitorTrend(
        key=key,
        name=name,
        domain=rival.domain if rival else "",
        listed=rival.listed if rival else False,
        aggregator=rival.aggregator if rival else False,
        is_property=rival is None,
        surfaces={
            s: CompetitorSurface(
                series=[links.point(p, s, name) for p in points],
                change=_change(points),
                ahead=rival is not None and beats(points[-1].figures, prop[s][-1].figures),
            )
            for s, points in mine.items()
        },
        overtakes=overtakes(mine, prop) if rival else [],
    )


def _latest_mentions(trend: CompetitorTrend, latest: str | None) -> int:
    return sum(
        p.mentions for s in trend.surfaces.values() for p in s.series if str(p.audit_id) == latest
    )


async def competitors_over_time(
    session: AsyncSession,
    settings: Settings,
    prop: Property,
    *,
    surface: str | None,
    limit_audits: int,
) -> CompetitorsOut:
    """Per competitor and surface, its figures over the latest comparable audits."""
    history = await property_history(session, prop.id, limit=limit_audits, surface=surface)
    profile = profile_of(prop)
    brand = BrandMatcher(brand_context(profile))
    rivals = competitor_set(profile.competitors, history.records, history.latest, brand)
    audit_ids = [str(a.audit_id) for a in history.audits]
    tab = table(history.records, rivals, audit_ids)
    links = _Links(history, settings)
    trends = [_trend(r, r.name, tab, links) for r in rivals]
    trends.sort(key=lambda t: (-_latest_mentions(t, history.latest), not t.listed, t.name))
    return CompetitorsOut(
        property_id=prop.id,
        scoring_version=SCORING_VERSION,
        audits=[
            CompetitorAudit(
                audit_id=a.audit_id,
                created_at=a.created_at,
                workflow_url=workflow_url(settings, a.workflow_id),
            )
            for a in history.audits
        ],
        surfaces=sorted(tab.get(PROPERTY_KEY, {})),
        property=_trend(None, prop.name, tab, links),
        competitors=trends,
    )


def competitor_rows(out: CompetitorsOut) -> Iterator[Sequence[object]]:
    """One CSV row per (audit, surface, competitor): by audit, surface, the property first."""
    rows = [
        (p.audit_id, surface, i, t, p)
        for i, t in enumerate([out.property, *out.competitors])
        for surface, found in t.surfaces.items()
        for p in found.series
    ]
    order = {a.audit_id: i for i, a in enumerate(out.audits)}
    rows.sort(key=lambda r: (order[r[0]], r[1], r[2]))
    for _, surface, _, t, p in rows:
        yield (
            p.audit_id,
            p.created_at,
            surface,
            t.name,
            t.domain,
            t.listed,
            t.aggregator,
            t.is_property,
            p.mentions,
            p.answers,
            p.visibility,
            p.avg_rank,
            p.sov,
            p.answers_url,
            p.workflow_url,
        )


def _gap_out(gap: GapPage, property_id: uuid.UUID) -> GapPageOut:
    return GapPageOut(
        url=gap.url,
        domain=gap.domain,
        competitors=[GapCompetitor(name=n, citations=c) for n, c in gap.favoured],
        questions=gap.questions,
        surfaces=gap.surfaces,
        question_surfaces=gap.question_surfaces,
        citations=gap.citations,
        first_seen=gap.first_seen,
        last_seen=gap.last_seen,
        rival_site=gap.rival_site,
        answers_url=answers_link(property_id=str(property_id), cites=gap.url),
    )


async def property_source_gaps(
    session: AsyncSession, prop: Property, *, limit: int, limit_audits: int
) -> SourceGapsOut:
    """The pages cited for competitors and never for the property, best first."""
    history = await property_history(session, prop.id, limit=limit_audits)
    profile = profile_of(prop)
    brand = BrandMatcher(brand_context(profile))
    rivals = competitor_set(profile.competitors, history.records, history.latest, brand)
    gaps = source_gaps(history.records, brand, rivals)
    return SourceGapsOut(
        property_id=prop.id,
        audits=len(history.audits),
        competitors=[r.name for r in rivals],
        total=len(gaps),
        pages=[_gap_out(g, prop.id) for g in gaps[:limit]],
    )


def gap_rows(out: SourceGapsOut) -> Iterator[Sequence[object]]:
    for p in out.pages:
        yield (
            p.url,
            p.domain,
            p.competitors[0].name if p.competitors else "",
            [f"{c.name} ({c.citations})" for c in p.competitors],
            p.questions,
            p.surfaces,
            p.question_surfaces,
            p.citations,
            p.first_seen,
            p.last_seen,
            p.rival_site,
            p.answers_url,
        )
