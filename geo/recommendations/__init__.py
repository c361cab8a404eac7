"""Concrete, prioritised recommendations for one audit: the rule engine over its answers
(`rules`) and the action items a model wrote in its batch summary (`written`)."""

from geo.recommendations.model import (
    AnswerFact,
    EntityFact,
    QueryFact,
    Recommendation,
    SurfaceResult,
    sort_recommendations,
)
from geo.recommendations.rules import recommend
from geo.recommendations.written import from_summary

__all__ = [
    "AnswerFact",
    "EntityFact",
    "QueryFact",
    "Recommendation",
    "SurfaceResult",
    "from_summary",
    "recommend",
    "sort_recommendations",
]
