"""The answers behind a figure: each with its question, its figures, its evidence and links."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class QuestionAsked(BaseModel):
    id: uuid.UUID | None = Field(description="empty once the question was deleted")
    text: str
    type: str
    weight: float
    persona: str = Field(description="the renter the question speaks for; empty: any renter")
    language: str


class EntityNamed(BaseModel):
    position: int = Field(description="1-based place in the answer's list: the scored rank")
    name: str
    domain: str
    rationale: str
    is_brand: bool = Field(description="the entity the brand's rank was scored from")


class CitationShown(BaseModel):
    url: str
    domain: str = Field(description="the URL's host: what scoring uses")
    entity_ref: str
    brand: bool = Field(description="the scorer counted this link as the brand's")
    origin: str = Field(description="answer: in the text; search: a web-search source")


class AnswerLinks(BaseModel):
    run: str = Field(description="the run, with its score: GET /runs/{run_id}")
    dashboard: str = Field(description="the answer on the dashboard's evidence page")
    temporal_ui: str = Field(description="the run's workflow in the Temporal Web UI")


class AnswerEvidence(BaseModel):
    """One stored answer: what was asked, what came back, and how it was scored."""

    id: uuid.UUID
    property_id: uuid.UUID
    audit_id: uuid.UUID
    run_id: uuid.UUID
    surface: str
    model: str
    question: QuestionAsked
    sample: int
    status: str = Field(description="ok, or error (never scored)")
    error_message: str | None
    presence: bool
    rank: int | None = Field(description="the brand's place in the list")
    link_rank: int | None = Field(description="the place of the first link to the brand's site")
    sov: float | None = Field(description="the brand's share of the citations, 0–1")
    score: float | None
    ordered_entities: list[EntityNamed]
    citations: list[CitationShown]
    flags: list[str]
    sentiment: str
    sentiment_phrase: str
    answer_summary: str
    analysis_method: str
    text: str = Field(description="what the surface said: the prose in natural mode, else raw")
    created_at: datetime
    links: AnswerLinks
