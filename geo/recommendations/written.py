"""The action items a model wrote in the batch summary, as recommendations."""

from __future__ import annotations

from geo.recommendations.model import Recommendation, recommendation_id
from geo.summary import BatchSummary

IMPACT_SCORE = {"high": 80, "medium": 60, "low": 40}


def from_summary(summary: BatchSummary | None) -> list[Recommendation]:
    """The action items a model wrote in the batch summary, marked with the surface that wrote
    them (the rule-based summary's items come from the rules and are not repeated)."""
    if summary is None or summary.source != "llm":
        return []
    writer = summary.usage.surface if summary.usage else None
    return [
        Recommendation(
            id=recommendation_id("llm", writer or "", item.action),
            type="action_item",
            priority="high" if item.priority <= 1 else "medium" if item.priority == 2 else "low",
            title=item.action,
            description=f"Action item written by {writer or 'a model'} from this audit's analysis "
            f"(effort {item.effort}, impact {item.impact}).",
            impact_score=IMPACT_SCORE[item.impact],
            impact_reason=f"Judged {item.impact} impact by {writer or 'the model'}",
            source="llm",
            written_by=writer,
        )
        for item in summary.action_items
    ]
