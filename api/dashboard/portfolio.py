"""The portfolio: every property the viewer sees, with its standing and its alerts, grouped by
region or tag (weakest group first) and sorted within each group as the viewer asks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Caller
from api.schemas import AuditState, CombinedScore
from api.schemas.portfolio import GroupSummary
from api.services.audits import state_from_db
from api.services.portfolio import Entry, entries, grouped
from config.settings import Settings
from geo.alerts import Alert

SortKey = Literal["name", "score", "visibility", "change", "last"]
SORT_KEYS: tuple[SortKey, ...] = ("name", "score", "visibility", "change", "last")
Grouping = Literal["region", "tag", "none"]
GROUPINGS: tuple[tuple[Grouping, str], ...] = (
    ("region", "Region"),
    ("tag", "Tag"),
    ("none", "Nothing (one list)"),
)
SHOWN = 500


@dataclass
class PropertyRow:
    id: uuid.UUID
    name: str
    city: str
    score: CombinedScore
    latest: AuditState | None
    alerts: list[Alert] = field(default_factory=list)
    region: str = ""
    tags: list[str] = field(default_factory=list)
    # Where the figures come from: the run each surface's score was read from, and the newest
    # closed audit (the answers behind the combined score).
    surface_runs: dict[str, uuid.UUID] = field(default_factory=dict)
    closed_id: uuid.UUID | None = None

    @property
    def change(self) -> float | None:
        return self.score.trend.change if self.score.trend else None


@dataclass
class GroupView:
    summary: GroupSummary | None  # None: the one list, ungrouped
    rows: list[PropertyRow]


def _row(settings: Settings, entry: Entry) -> PropertyRow:
    prop, closed = entry.prop, entry.closed
    return PropertyRow(
        id=prop.id,
        name=prop.name,
        city=prop.city or "",
        score=entry.score,
        latest=state_from_db(settings, entry.latest) if entry.latest else None,
        alerts=entry.alerts,
        region=prop.region or "",
        tags=list(prop.tags or []),
        surface_runs={s: now.run_id for s, now in entry.score.surfaces.items()},
        closed_id=closed.id if closed else None,
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


def sorted_rows(rows: list[PropertyRow], sort: SortKey, descending: bool) -> list[PropertyRow]:
    with_figure = [r for r in rows if not _sort_value(r, sort)[0]]
    without = [r for r in rows if _sort_value(r, sort)[0]]
    with_figure.sort(key=lambda r: _sort_value(r, sort)[1], reverse=descending)
    return with_figure + without


async def portfolio(
    session: AsyncSession,
    settings: Settings,
    caller: Caller,
    *,
    text: str = "",
    sort: SortKey = "name",
    descending: bool = False,
    group: Grouping = "region",
) -> tuple[list[PropertyRow], list[GroupView]]:
    """Every row once (sorted), and the groups (weakest first) with their rows sorted alike."""
    found = await entries(session, caller, text=text, limit=SHOWN)
    rows = {e.prop.id: _row(settings, e) for e in found}
    every = sorted_rows(list(rows.values()), sort, descending)
    if group == "none":
        return every, [GroupView(None, every)] if every else []
    return every, [
        GroupView(head, sorted_rows([rows[e.prop.id] for e in members], sort, descending))
        for head, members in grouped(found, group)
    ]
