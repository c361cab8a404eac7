"""A property over time: runs with their diffs, the combined score, cited domains, purging."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.schemas.common import RequestModel, SurfaceName

Direction = Literal["up", "down", "stable"]


class RunDiff(BaseModel):
    score_change: float
    visibility_change: float
    direction: Direction
    previous_run_id: uuid.UUID


class RunTrend(BaseModel):
    run_id: uuid.UUID
    audit_id: uuid.UUID
    surface: str
    model: str
    status: str
    mode: str
    created_at: datetime
    overall_score: float | None
    visibility_pct: float | None
    scoring_version: int | None
    rescored_at: datetime | None
    cost_usd: float
    diff: RunDiff | None
    note: str | None = None


class SurfaceScoreNow(BaseModel):
    run_id: uuid.UUID
    overall_score: float
    visibility_pct: float
    avg_llm_rank: float | None
    run_at: datetime


class Trend(BaseModel):
    direction: Direction
    change: float
    previous_score: float


class CombinedScore(BaseModel):
    property_id: uuid.UUID
    overall_score: float | None
    visibility_pct: float | None
    bucket: str | None
    surfaces: dict[str, SurfaceScoreNow]
    trend: Trend | None
    scoring_versions: list[int] = Field(default_factory=list)
    message: str | None = None


class PurgeIn(RequestModel):
    surfaces: Annotated[list[SurfaceName], Field(max_length=20)] | None = None


class PurgeOut(BaseModel):
    property_id: uuid.UUID
    surfaces: list[str] | Literal["all"]
    runs_deleted: int
    audits_deleted: int


DomainStatus = Literal["new", "gone", "steady"]


class DomainSeen(BaseModel):
    domain: str
    citations: int
    is_brand_domain: bool
    audits: int
    first_seen: datetime
    last_seen: datetime
    first_audit_id: uuid.UUID
    last_audit_id: uuid.UUID
    status: DomainStatus
