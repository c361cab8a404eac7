"""Competitors over time and the pages the engines cite for them (page-level source gaps)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class CompetitorPoint(BaseModel):
    """One (audit, surface, competitor): its figures and the answers behind them."""

    audit_id: uuid.UUID
    created_at: datetime
    mentions: int = Field(description="answers whose list of places names it")
    answers: int = Field(description="the surface's ok answers in this audit")
    visibility: float = Field(description="mentions / answers × 100")
    avg_rank: float | None = Field(description="mean place in the answers naming it")
    sov: float | None = Field(
        description="its citations over all citations, per answer, averaged (0–1, as avg_sov)"
    )
    answers_url: str = Field(description="the answers that produced these figures")
    workflow_url: str = Field(description="the surface's run in the Temporal Web UI")


class CompetitorChange(BaseModel):
    """Latest audit minus the one before (None where either side has no figure)."""

    mentions: int
    visibility: float
    avg_rank: float | None
    sov: float | None


class CompetitorSurface(BaseModel):
    series: list[CompetitorPoint] = Field(description="oldest audit first")
    change: CompetitorChange | None = Field(description="since the previous audit")
    ahead: bool = Field(
        description="beats the property in the latest audit: higher visibility, or the same "
        "with a better average rank (always false on the property's own row)"
    )


class CompetitorTrend(BaseModel):
    key: str = Field(description="its domain, or name:<name> without one")
    name: str
    domain: str
    listed: bool = Field(description="one of the profile's competitors")
    aggregator: bool = Field(description="a listing site (apartments.com, zillow.com …)")
    is_property: bool = False
    surfaces: dict[str, CompetitorSurface]
    overtakes: list[str] = Field(
        description="surfaces where it beats the property now and did not in the audit before"
    )


class CompetitorAudit(BaseModel):
    audit_id: uuid.UUID
    created_at: datetime
    workflow_url: str


class CompetitorsOut(BaseModel):
    property_id: uuid.UUID
    scoring_version: int = Field(description="only audits scored by these rules are compared")
    audits: list[CompetitorAudit] = Field(description="oldest first")
    surfaces: list[str]
    property: CompetitorTrend = Field(description="the property itself: the reference row")
    competitors: list[CompetitorTrend]


class GapCompetitor(BaseModel):
    name: str
    citations: int = Field(description="citations of the page that favour this competitor")


class GapPageOut(BaseModel):
    url: str
    domain: str
    competitors: list[GapCompetitor] = Field(description="the competitors favoured, most first")
    questions: int = Field(description="distinct questions whose answers cite it")
    surfaces: list[str]
    question_surfaces: int = Field(description="distinct (question, surface) pairs: the rank")
    citations: int
    first_seen: datetime
    last_seen: datetime
    rival_site: bool = Field(description="on a favoured competitor's own site")
    answers_url: str = Field(description="the answers that cite it")


class SourceGapsOut(BaseModel):
    property_id: uuid.UUID
    audits: int = Field(description="closed audits read (scored by today's rules)")
    competitors: list[str] = Field(description="the competitors a page may favour")
    total: int = Field(description="gap pages in all, before the limit")
    pages: list[GapPageOut]
