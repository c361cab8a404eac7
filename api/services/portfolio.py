"""The portfolio: every property the caller sees with its combined score, trend and alerts,
rolled up by region or tag, weakest first. The API's `GET /portfolio` and the dashboard's `/`
read it alike, so a figure on the page is the figure the API answers."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import fmean

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Caller
from api.schemas import CombinedScore
from api.schemas.portfolio import (
    AlertCounts,
    AlertOut,
    GroupBy,
    GroupSummary,
    PortfolioAudit,
    PortfolioGroup,
    PortfolioOut,
    PortfolioProperty,
    PortfolioSurface,
    WeakestProperty,
)
from api.services.links import workflow_url
from api.services.trends import combined_score
from config.settings import Settings
from db.models import Audit, Property, Run
from db.portfolio import Holding, holdings
from geo.alerts import Alert, Standing, alerts
from geo.insights import CrossModel

NO_REGION = "(no region)"
UNTAGGED = "(untagged)"


@dataclass
class Entry:
    """One property's standing: what the portfolio shows of it and where each figure came from."""

    prop: Property
    score: CombinedScore
    alerts: list[Alert]
    runs: dict[uuid.UUID, Run]  # the runs the score read, by id
    latest: Audit | None  # the newest audit, whatever its status
    closed: Audit | None  # the newest completed or partial audit

    @property
    def audited(self) -> bool:
        return self.score.overall_score is not None


def _standing(score: CombinedScore, closed: Audit | None) -> Standing:
    # The competitor leaderboard and the overtakes as the audit's stored analysis has them (no
    # statement of their own); an audit closed a moment ago whose analysis is not written yet
    # has no competitor alert until it is.
    analysis = CrossModel.model_validate(closed.insights) if closed and closed.insights else None
    rivals = analysis.competitors if analysis else []
    overtaken = (analysis.overtaken or []) if analysis else []
    return Standing(
        score=score.overall_score,
        visibility_pct=score.visibility_pct,
        score_change=score.trend.change if score.trend else None,
        surface_scores={s: now.overall_score for s, now in score.surfaces.items()},
        top_competitor=rivals[0].name if rivals else None,
        top_competitor_mentions=rivals[0].mentions if rivals else 0,
        overtaken=tuple(o.label for o in overtaken),
    )


def _entry(holding: Holding) -> Entry:
    score = combined_score(holding.prop.id, holding.runs)
    return Entry(
        prop=holding.prop,
        score=score,
        alerts=alerts(_standing(score, holding.closed)),
        runs={r.id: r for r in holding.runs},
        latest=holding.latest,
        closed=holding.closed,
    )


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


async def entries(
    session: AsyncSession,
    caller: Caller,
    *,
    text: str = "",
    region: str | None = None,
    tag: str | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """The caller's properties (by name), matching the filters, each with its standing."""
    stmt = caller.scope(select(Property)).order_by(Property.name, Property.id)
    if text.strip():
        pattern = f"%{text.strip()}%"
        stmt = stmt.where(or_(Property.name.ilike(pattern), Property.city.ilike(pattern)))
    if limit is not None:
        stmt = stmt.limit(limit)
    found = [_entry(h) for h in await holdings(session, stmt)]
    if region is not None:
        found = [e for e in found if _same(e.prop.region, " ".join(region.split()))]
    if tag is not None:
        found = [e for e in found if any(_same(t, tag.strip()) for t in e.prop.tags or [])]
    return found


def keys_of(prop: Property, by: GroupBy) -> list[str]:
    """The groups a property is in: its region, or each of its tags."""
    if by == "region":
        return [(prop.region or "").strip() or NO_REGION]
    return list(dict.fromkeys(prop.tags or [])) or [UNTAGGED]


def weakest_first(members: Iterable[Entry]) -> list[Entry]:
    """Lowest combined score first, never audited last, then by name."""
    return sorted(
        members,
        key=lambda e: (not e.audited, e.score.overall_score or 0.0, e.prop.name.casefold()),
    )


def summary(key: str, members: list[Entry]) -> GroupSummary:
    """A group's figures over its audited properties; `members` weakest first."""
    audited = [e for e in members if e.audited]
    scores = [e.score.overall_score for e in audited if e.score.overall_score is not None]
    seen = [e.score.visibility_pct for e in audited if e.score.visibility_pct is not None]
    counts = AlertCounts()
    for entry in members:
        for alert in entry.alerts:
            setattr(counts, alert.level, getattr(counts, alert.level) + 1)
    weakest = audited[0] if audited else None
    return GroupSummary(
        key=key,
        property_count=len(members),
        audited_count=len(audited),
        average_score=round(fmean(scores), 1) if scores else None,
        lowest_score=min(scores) if scores else None,
        average_visibility_pct=round(fmean(seen), 1) if seen else None,
        alerts=counts,
        weakest=WeakestProperty(
            property_id=weakest.prop.id,
            name=weakest.prop.name,
            overall_score=weakest.score.overall_score or 0.0,
        )
        if weakest
        else None,
    )


def grouped(found: list[Entry], by: GroupBy) -> list[tuple[GroupSummary, list[Entry]]]:
    """The groups, weakest first (lowest average score; nothing audited last), each with its
    properties weakest first. Keys differing only in case are one group, named as first seen."""
    groups: dict[str, tuple[str, list[Entry]]] = {}
    for entry in found:
        for key in keys_of(entry.prop, by):
            groups.setdefault(key.casefold(), (key, []))[1].append(entry)
    out = []
    for key, members in groups.values():
        ordered = weakest_first(members)
        out.append((summary(key, ordered), ordered))
    return sorted(
        out,
        key=lambda g: (
            g[0].average_score is None,
            g[0].average_score or 0.0,
            g[0].lowest_score or 0.0,
            g[0].key.casefold(),
        ),
    )


def _surface(settings: Settings, surface: str, entry: Entry) -> PortfolioSurface | None:
    now = entry.score.surfaces[surface]
    run = entry.runs.get(now.run_id)
    if run is None:
        return None
    return PortfolioSurface(
        overall_score=now.overall_score,
        visibility_pct=now.visibility_pct,
        run_id=run.id,
        audit_id=run.batch_id,
        run_at=run.created_at,
        links={
            "run": f"/runs/{run.id}",
            "answers": f"/answers?run_id={run.id}",
            "temporal_ui": workflow_url(settings, run.workflow_id),
        },
    )


def _links(settings: Settings, entry: Entry) -> dict[str, str]:
    prop_id = entry.prop.id
    out = {"dashboard": f"/app/properties/{prop_id}", "score": f"/properties/{prop_id}/score"}
    if entry.closed is not None:
        out["latest_audit"] = f"/audits/{entry.closed.id}"
        out["answers"] = f"/answers?audit_id={entry.closed.id}"
        out["temporal_ui"] = workflow_url(settings, entry.closed.workflow_id)
    return out


def property_body(settings: Settings, entry: Entry) -> PortfolioProperty:
    score, prop, closed = entry.score, entry.prop, entry.closed
    surfaces = {s: _surface(settings, s, entry) for s in score.surfaces}
    return PortfolioProperty(
        property_id=prop.id,
        name=prop.name,
        city=prop.city or "",
        region=prop.region or "",
        tags=list(prop.tags or []),
        overall_score=score.overall_score,
        bucket=score.bucket,
        visibility_pct=score.visibility_pct,
        change=score.trend.change if score.trend else None,
        direction=score.trend.direction if score.trend else None,
        previous_score=score.trend.previous_score if score.trend else None,
        surfaces={s: body for s, body in surfaces.items() if body is not None},
        latest_audit=PortfolioAudit(
            audit_id=closed.id, status=closed.status, created_at=closed.created_at
        )
        if closed
        else None,
        alerts=[AlertOut(level=a.level, title=a.title, detail=a.detail) for a in entry.alerts],
        links=_links(settings, entry),
    )


def portfolio_body(
    settings: Settings, found: list[Entry], by: GroupBy, region: str | None, tag: str | None
) -> PortfolioOut:
    """`GET /portfolio`: the groups with their properties, every figure linked to its source."""
    return PortfolioOut(
        group_by=by,
        region=region,
        tag=tag,
        property_count=len(found),
        audited_count=sum(1 for e in found if e.audited),
        groups=[
            PortfolioGroup(
                **head.model_dump(), properties=[property_body(settings, e) for e in members]
            )
            for head, members in grouped(found, by)
        ],
    )
