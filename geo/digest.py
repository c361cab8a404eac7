"""A property's week in one message: its latest audit against the one before (combined and per
surface), the banners the figures call for (geo.alerts, with who overtook the property), the
competitors named most, and how many audits ran. Plain figures in, one `Digest` out; the
activity reads the figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from geo.alerts import Standing, alerts


class SurfaceFigures(BaseModel):
    """One surface in one audit; the changes are against the previous audit's same surface."""

    surface: str
    score: float | None
    visibility_pct: float | None
    score_change: float | None = None
    visibility_change: float | None = None


class AuditFigures(BaseModel):
    audit_id: str
    workflow_id: str = ""
    status: str
    created_at: datetime
    score: float | None  # mean of the completed runs' scores
    visibility_pct: float | None
    surfaces: list[SurfaceFigures] = Field(default_factory=list)


class Banner(BaseModel):
    level: str
    title: str
    detail: str


class Rival(BaseModel):
    name: str
    mentions: int
    avg_rank: float | None = None


class Digest(BaseModel):
    """The canonical digest: the `json` format's body, and what Slack and Teams are written
    from. `digest_id` is the workflow run's id, so a receiver can drop a repeat."""

    type: Literal["propertyaudit.digest"] = "propertyaudit.digest"
    digest_id: str
    property_id: str
    property_name: str
    period_start: datetime
    period_end: datetime
    audits_this_week: int
    latest: AuditFigures | None
    previous: AuditFigures | None
    score_change: float | None
    visibility_change: float | None
    surfaces: list[SurfaceFigures]
    banners: list[Banner]
    top_competitors: list[Rival]
    links: dict[str, str] = Field(default_factory=dict)


def _change(now: float | None, before: float | None) -> float | None:
    return round(now - before, 1) if now is not None and before is not None else None


def surfaces_against(latest: AuditFigures, previous: AuditFigures | None) -> list[SurfaceFigures]:
    """The latest audit's surfaces, each with its change since the previous audit's."""
    before = {s.surface: s for s in previous.surfaces} if previous else {}
    out = []
    for now in latest.surfaces:
        then = before.get(now.surface)
        out.append(
            now.model_copy(
                update={
                    "score_change": _change(now.score, then.score if then else None),
                    "visibility_change": _change(
                        now.visibility_pct, then.visibility_pct if then else None
                    ),
                }
            )
        )
    return out


def banners(
    latest: AuditFigures,
    change: float | None,
    rivals: list[Rival],
    overtaken: Sequence[str] = (),
) -> list[Banner]:
    """The dashboard's banners for these figures (geo.alerts), most urgent first; `overtaken`
    names who overtook the property where ("Vista Park on openai")."""
    standing = Standing(
        score=latest.score,
        visibility_pct=latest.visibility_pct,
        score_change=change,
        surface_scores={s.surface: s.score for s in latest.surfaces if s.score is not None},
        top_competitor=rivals[0].name if rivals else None,
        top_competitor_mentions=rivals[0].mentions if rivals else 0,
        overtaken=tuple(overtaken),
    )
    return [Banner(level=a.level, title=a.title, detail=a.detail) for a in alerts(standing)]


def compose_digest(
    *,
    digest_id: str,
    property_id: str,
    property_name: str,
    period: tuple[datetime, datetime],
    audits_this_week: int,
    latest: AuditFigures | None,
    previous: AuditFigures | None,
    rivals: list[Rival],
    links: dict[str, str],
    overtaken: Sequence[str] = (),
) -> Digest:
    """The week's digest; without a finished audit it says only that (and the links)."""
    score_change = visibility_change = None
    if latest is not None and previous is not None:
        score_change = _change(latest.score, previous.score)
        visibility_change = _change(latest.visibility_pct, previous.visibility_pct)
    return Digest(
        digest_id=digest_id,
        property_id=property_id,
        property_name=property_name,
        period_start=period[0],
        period_end=period[1],
        audits_this_week=audits_this_week,
        latest=latest,
        previous=previous,
        score_change=score_change,
        visibility_change=visibility_change,
        surfaces=surfaces_against(latest, previous) if latest else [],
        banners=banners(latest, score_change, rivals, overtaken) if latest else [],
        top_competitors=rivals,
        links=links,
    )
