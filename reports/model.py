"""What a report shows, as plain data (collected from the database by the API)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from geo.insights import CompetitorStat, DomainStat
from geo.recommendations import Recommendation
from geo.summary import BatchSummary


class SurfaceCard(BaseModel):
    surface: str
    model: str
    status: str
    overall_score: float | None
    weighted_score: float | None
    visibility_pct: float | None
    visibility_ci: tuple[float, float] | None
    avg_llm_rank: float | None
    avg_link_rank: float | None
    avg_sov: float | None
    answered: int
    errors: int
    cost_usd: float
    error_message: str | None = None
    # The answers behind the score and the visibility, and the run's workflow ("" = no link).
    answers_url: str = ""
    present_url: str = ""
    workflow_url: str = ""


class QueryCell(BaseModel):
    presence: bool
    rank: int | None
    score: float | None
    entities: list[str]
    citations: list[str]
    flags: list[str]
    error: str | None = None


class QueryRow(BaseModel):
    text: str
    type: str
    cells: dict[str, QueryCell]


class SegmentCell(BaseModel):
    """One persona's (or language's) answers on one surface, scored as the run is."""

    score: float | None
    visibility_pct: float | None
    answers: int
    answers_url: str = ""
    present_url: str = ""


class SegmentRow(BaseModel):
    key: str
    label: str
    cells: dict[str, SegmentCell]  # surface -> its figures


class TrendPoint(BaseModel):
    audit_id: str
    at: datetime
    scores: dict[str, float]


class ReportData(BaseModel):
    property_name: str
    location: str
    audit_id: str
    created_at: datetime
    status: str
    mode: str
    web_search: bool
    scoring_version: int = 2
    rescored_at: datetime | None = None
    samples_per_query: int
    surfaces: list[str]
    cards: list[SurfaceCard]
    visibility_by_type: dict[str, dict[str, float]]  # query type -> surface -> %
    competitors: list[CompetitorStat]
    cited_domains: list[DomainStat]
    agreement_rate: float | None
    brand_sov_pct: float | None
    trend: list[TrendPoint]
    summary: BatchSummary | None
    recommendations: list[Recommendation]
    queries: list[QueryRow] = Field(default_factory=list)
    asker_location: str = ""  # where the questions were asked from; "" = nowhere in particular
    # Filled only when the audit asked as more than one persona (in more than one language).
    by_persona: list[SegmentRow] = Field(default_factory=list)
    by_language: list[SegmentRow] = Field(default_factory=list)
