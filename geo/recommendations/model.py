"""What a recommendation says, and the facts of an audit the rules read."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, Field

Priority = Literal["high", "medium", "low"]
PRIORITY_ORDER = {"high": 3, "medium": 2, "low": 1}


class EntityFact(BaseModel):
    name: str
    domain: str = ""
    position: int
    rationale: str = ""


class QueryFact(BaseModel):
    query_id: str
    text: str
    type: str


class AnswerFact(BaseModel):
    surface: str
    query_id: str
    presence: bool
    llm_rank: int | None = None
    sov: float | None = None
    entities: list[EntityFact] = Field(default_factory=list)
    citation_domains: list[str] = Field(default_factory=list)


class SurfaceResult(BaseModel):
    presence: bool
    rank: int | None
    sov: float | None


class Recommendation(BaseModel):
    id: str
    type: str
    priority: Priority
    title: str
    description: str
    keywords: list[str] = Field(default_factory=list)
    competitor_context: dict[str, object] | None = None
    model_breakdown: dict[str, SurfaceResult] = Field(default_factory=dict)
    affected_surfaces: list[str] = Field(default_factory=list)
    impact_score: int
    impact_reason: str
    action_items: list[str] = Field(default_factory=list)
    related_queries: list[QueryFact] = Field(default_factory=list)
    pages: list[str] = Field(
        default_factory=list, description="the exact pages it names (page-level source gaps)"
    )
    source: Literal["rules", "llm"] = "rules"
    written_by: str | None = Field(
        default=None, description="the surface whose model wrote it (source 'llm')"
    )


def recommendation_id(*parts: str) -> str:
    """Stable across audits, so the same advice about the same thing keeps its id."""
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def sort_recommendations(recs: list[Recommendation]) -> list[Recommendation]:
    """Highest priority first, then highest impact; the id makes the order total."""
    return sorted(recs, key=lambda r: (-PRIORITY_ORDER[r.priority], -r.impact_score, r.id))
