"""The portfolio rolled up by region or tag: each group's figures, its properties weakest
first, and the links from every figure to the answers and workflows that produced it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.trends import Direction

GroupBy = Literal["region", "tag"]
AlertLevel = Literal["critical", "warning", "competitive", "success"]


class AlertOut(BaseModel):
    level: AlertLevel
    title: str
    detail: str


class AlertCounts(BaseModel):
    critical: int = 0
    warning: int = 0
    competitive: int = 0
    success: int = 0


class PortfolioSurface(BaseModel):
    """One surface's latest completed run: the figures the combined score averages."""

    overall_score: float
    visibility_pct: float
    run_id: uuid.UUID
    audit_id: uuid.UUID
    run_at: datetime
    links: dict[str, str] = Field(
        description="`run` (its detail, with every answer), `answers` (the answers endpoint, "
        "filtered to this run), `temporal_ui` (the run's workflow)"
    )


class PortfolioAudit(BaseModel):
    audit_id: uuid.UUID
    status: str
    created_at: datetime


class PortfolioProperty(BaseModel):
    property_id: uuid.UUID
    name: str
    city: str
    region: str
    tags: list[str]
    overall_score: float | None = Field(
        description="the combined score: the mean of each surface's latest completed run"
    )
    bucket: str | None
    visibility_pct: float | None
    change: float | None = Field(description="points since the previous audit")
    direction: Direction | None
    previous_score: float | None
    surfaces: dict[str, PortfolioSurface]
    latest_audit: PortfolioAudit | None = Field(description="the newest completed or partial audit")
    alerts: list[AlertOut]
    links: dict[str, str] = Field(
        description="`dashboard`; once audited also `latest_audit`, `answers` and "
        "`temporal_ui` (that audit's workflow in the Temporal Web UI)"
    )


class WeakestProperty(BaseModel):
    property_id: uuid.UUID
    name: str
    overall_score: float


class GroupSummary(BaseModel):
    """A group's figures, over the properties of it that were audited."""

    key: str = Field(description='the region or the tag; "(no region)" or "(untagged)"')
    property_count: int
    audited_count: int
    average_score: float | None
    lowest_score: float | None
    average_visibility_pct: float | None
    alerts: AlertCounts
    weakest: WeakestProperty | None


class PortfolioGroup(GroupSummary):
    properties: list[PortfolioProperty] = Field(description="weakest first, never audited last")


class PortfolioOut(BaseModel):
    group_by: GroupBy
    region: str | None
    tag: str | None
    property_count: int
    audited_count: int
    groups: list[PortfolioGroup] = Field(
        description="weakest first (lowest average score); groups with nothing audited last"
    )
