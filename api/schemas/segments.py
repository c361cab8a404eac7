"""Results split by persona, language and asker location, each figure linked to its answers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class SegmentOut(BaseModel):
    """One persona's (or language's) answers on one surface, scored as the run is scored."""

    key: str = Field(description="the persona or language code; an empty persona: any renter")
    label: str
    answers: int = Field(description="usable answers")
    errors: int
    questions: int
    overall_score: float | None
    weighted_score: float | None
    visibility_pct: float | None
    avg_llm_rank: float | None
    avg_link_rank: float | None
    avg_sov: float | None
    answers_url: str = Field(description="GET /answers behind these figures")
    dashboard_url: str = Field(description="the same answers on the dashboard")


class SurfaceSegments(BaseModel):
    surface: str
    run_id: uuid.UUID
    model: str
    status: str
    total: SegmentOut = Field(description="all the run's answers: the run's own figures")
    by_persona: list[SegmentOut]
    by_language: list[SegmentOut]
    temporal_ui: str = Field(description="the run's workflow in the Temporal Web UI")


class LocationOut(BaseModel):
    label: str
    key: str
    city: str = ""
    region: str = ""
    country: str = ""
    zip: str = ""


class AuditSegments(BaseModel):
    audit_id: uuid.UUID
    property_id: uuid.UUID
    status: str
    asker_location: LocationOut | None = Field(description="None: asked from nowhere in particular")
    personas: list[str]
    languages: list[str]
    surfaces: list[SurfaceSegments]


class LocationSurface(BaseModel):
    surface: str
    run_id: uuid.UUID
    status: str
    overall_score: float | None
    visibility_pct: float | None
    answers_url: str
    present_url: str = Field(description="GET /answers naming the property")
    dashboard_url: str = Field(description="the answers on the dashboard")
    temporal_ui: str


class LocationSegment(BaseModel):
    """The latest audit asked from one place."""

    key: str = Field(description="'unspecified' for audits without an asker location")
    label: str
    audits: int = Field(description="comparable audits asked from here")
    audit_id: uuid.UUID
    created_at: datetime
    status: str
    surfaces: list[LocationSurface]
    links: dict[str, str]


class PropertySegments(BaseModel):
    property_id: uuid.UUID
    by: Literal["location"]
    scoring_version: int = Field(description="only audits scored by these rules are compared")
    left_out: int = Field(description="closed audits scored by other rules (re-score to include)")
    locations: list[LocationSegment]
