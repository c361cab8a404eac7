"""A run as the API shows it: its score and every answer with its entities and citations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CitationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    url: str
    domain: str = Field(description="the URL's host: what scoring uses")
    claimed_domain: str = Field(description="the domain the model wrote beside the URL")
    is_brand_domain: bool = Field(description="the scorer counted this link as the brand's")
    entity_ref: str
    origin: str = Field(description="answer: in the text; search: a web-search source")


class AnswerPublic(BaseModel):
    id: uuid.UUID
    query_id: uuid.UUID | None
    query_text: str
    query_type: str
    sample: int
    status: str
    error_message: str | None
    presence: bool
    llm_rank: int | None
    link_rank: int | None
    sov: float | None
    score: float | None
    breakdown: dict[str, Any]
    flags: list[str]
    model_flags: list[str] = Field(description="the flags the model raised itself")
    scoring_version: int
    answer_summary: str
    ordered_entities: list[dict[str, Any]] = Field(
        description="in the answer's order; `position` is that order (the scored rank), "
        "`claimed_position` the number the model wrote"
    )
    citations: list[CitationPublic]
    sentiment: str
    sentiment_phrase: str
    analysis_method: str
    natural_response: str | None
    analysis: dict[str, Any] | None
    model: str
    input_tokens: int
    output_tokens: int
    web_searches: int
    cost_usd: float
    latency_ms: int
    attempts: int


class ScorePublic(BaseModel):
    overall_score: float
    weighted_score: float
    visibility_pct: float
    avg_llm_rank: float | None
    avg_link_rank: float | None
    avg_sov: float | None
    visibility_ci: tuple[float, float] | None
    sentiment: dict[str, Any]
    breakdown: dict[str, Any]
    answered: int
    errors: int
    scoring_version: int
    rescored_at: datetime | None
    errored_queries: list[dict[str, Any]] = []


class RunDetail(BaseModel):
    run_id: uuid.UUID
    audit_id: uuid.UUID
    property_id: uuid.UUID
    surface: str
    model: str
    status: str
    error_message: str | None
    query_count: int
    progress_pct: float
    uses_web_search: bool
    mode: str
    input_tokens: int
    output_tokens: int
    web_searches: int
    cost_usd: float = Field(description="everything paid for, unusable answers included")
    wasted_cost_usd: float = Field(description="paid calls whose answer was unusable")
    started_at: datetime | None
    finished_at: datetime | None
    score: ScorePublic | None
    answers: list[AnswerPublic]
    answers_total: int = 0
