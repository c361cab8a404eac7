"""The portfolio: every property the viewer sees, with its standing and its alerts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Caller
from api.schemas import AuditState, CombinedScore
from api.services.audits import state_from_db
from api.services.insights import insights_of
from api.services.trends import combined_score
from config.settings import Settings
from db import trends
from db.audits import recent_audits
from db.models import Property
from geo.alerts import Alert, Standing, alerts

SortKey = Literal["name", "score", "visibility", "change", "last"]
SORT_KEYS: tuple[SortKey, ...] = ("name", "score", "visibility", "change", "last")
SHOWN = 500


@dataclass
class PropertyRow:
    id: uuid.UUID
    name: str
    city: str
    score: CombinedScore
    latest: AuditState | None
    alerts: list[Alert] = field(default_factory=list)

    @property
    def change(self) -> float | None:
        return self.score.trend.change if self.score.trend else None


async def _row(session: AsyncSession, settings: Settings, prop: Property) -> PropertyRow:
    score = combined_score(prop.id, await trends.property_runs(session, prop.id))
    latest = next(iter(await recent_audits(session, prop.id, limit=1)), None)
    closed = await trends.latest_closed_audit(session, prop.id)
    rivals = (await insights_of(session, closed)).cross_model.competitors if closed else []
    standing = Standing(
        score=score.overall_score,
        visibility_pct=score.visibility_pct,
        score_change=score.trend.change if score.trend else None,
        surface_scores={s: now.overall_score for s, now in score.surfaces.items()},
        top_competitor=rivals[0].name if rivals else None,
        top_competitor_mentions=rivals[0].mentions if rivals else 0,
    )
    return PropertyRow(
        id=prop.id,
        name=prop.name,
        city=prop.city or "",
        score=score,
        latest=state_from_db(settings, latest) if latest else None,
        alerts=alerts(standing),
    )


def _sort_value(row: PropertyRow, key: SortKey) -> tuple[bool, float | str]:
    """Rows without the figure last, whichever the direction."""
    if key == "name":
        return (False, row.name.casefold())
    value = {
        "score": row.score.overall_score,
        "visibility": row.score.visibility_pct,
        "change": row.change,
        "last": row.latest.created_at.timestamp() if row.latest else None,
    }[key]
    return (value is None, value if value is not None else 0.0)


async def portfolio(
    session: AsyncSession,
    settings: Settings,
    caller: Caller,
    *,
    text: str = "",
    sort: SortKey = "name",
    descending: bool = False,
) -> list[PropertyRow]:
    stmt = caller.scope(select(Property)).order_by(Property.name).limit(SHOWN)
    if text.strip():
        pattern = f"%{text.strip()}%"
        stmt = stmt.where(or_(Property.name.ilike(pattern), Property.city.ilike(pattern)))
    rows = [await _row(session, settings, p) for p in (await session.scalars(stmt)).all()]
    with_figure = [r for r in rows if not _sort_value(r, sort)[0]]
    without = [r for r in rows if _sort_value(r, sort)[0]]
    with_figure.sort(key=lambda r: _sort_value(r, sort)[1], reverse=descending)
    return with_figure + without
