"""An audit's insights: batch status, per-surface scores, cross-model analysis, summary."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel

from api.schemas.runs import ScorePublic
from geo.insights import CrossModel
from geo.summary import BatchSummary


class BatchStatus(BaseModel):
    complete: bool
    status: str
    batchId: uuid.UUID
    message: str


class SurfaceScore(BaseModel):
    surface: str
    model: str
    status: str
    run_id: uuid.UUID
    score: ScorePublic | None
    error_message: str | None


class Insights(BaseModel):
    batchStatus: BatchStatus
    property_id: uuid.UUID
    surfaces: list[SurfaceScore]
    cross_model: CrossModel
    analysis_stored: bool
    scoring_version: int
    rescored_at: datetime | None
    summary: BatchSummary | None
