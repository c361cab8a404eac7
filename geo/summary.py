"""The written summary of a batch: the LLM's, or this rule-based one when no LLM can give it."""

from __future__ import annotations

from statistics import fmean
from typing import Literal

from pydantic import BaseModel, Field

from geo.insights import CrossModel
from geo.schema import array_of, integer, one_of, strict_object, string


class KeyInsight(BaseModel):
    insight: str
    priority: Literal["high", "medium", "low"] = "medium"


class ActionItem(BaseModel):
    action: str
    priority: int = 2
    effort: Literal["low", "medium", "high"] = "medium"
    impact: Literal["low", "medium", "high"] = "medium"


class SummaryUsage(BaseModel):
    """What writing the summary cost: one call, billed like any answer but part of no run."""

    surface: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


class BatchSummary(BaseModel):
    source: Literal["llm", "rules"] = "rules"
    summary: str
    key_insights: list[KeyInsight] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    usage: SummaryUsage | None = None  # ours to set (not in the LLM's schema); None for rules


def summary_schema() -> dict[str, object]:
    """Strict JSON schema for the LLM's summary (the `source` is ours to set)."""
    level = one_of(["low", "medium", "high"])
    insight = strict_object({"insight": string(), "priority": level})
    action = strict_object(
        {"action": string(), "priority": integer(), "effort": level, "impact": level}
    )
    return strict_object(
        {
            "summary": string(),
            "key_insights": array_of(insight),
            "action_items": array_of(action),
        }
    )


def rule_summary(analysis: CrossModel, property_name: str) -> BatchSummary:
    """What the numbers say, in plain sentences, without an LLM."""
    visibility = [v for v in analysis.visibility.values() if v is not None]
    mean_vis = fmean(visibility) if visibility else 0.0
    return BatchSummary(
        source="rules",
        summary=_headline(analysis, property_name, mean_vis),
        key_insights=_key_insights(analysis)[:5],
        action_items=_action_items(analysis, mean_vis),
    )


def _headline(analysis: CrossModel, property_name: str, mean_vis: float) -> str:
    parts = [f"{property_name} appears in {mean_vis:.0f}% of AI answers on average"]
    if analysis.agreement_rate is not None:
        parts.append(
            f"the surfaces agree on its presence for {analysis.agreement_rate:.0f}% "
            "of the questions"
        )
    summary = "; ".join(parts) + "."
    if analysis.missing_surfaces:
        summary += f" No answers from {', '.join(analysis.missing_surfaces)} in this batch."
    return summary


def _key_insights(analysis: CrossModel) -> list[KeyInsight]:
    """Score gaps between surfaces first, then the leading rival, then the brand's sources."""
    insights: list[KeyInsight] = []
    for pair in analysis.pairs:
        if pair.score_difference is not None and pair.score_difference > 10 and pair.higher:
            lower = [s for s in pair.surfaces if s != pair.higher][0]
            insights.append(
                KeyInsight(
                    insight=f"{pair.higher} scores {pair.score_difference:.0f} points "
                    f"above {lower}",
                    priority="high",
                )
            )
    if analysis.competitors:
        top = analysis.competitors[0]
        insights.append(
            KeyInsight(
                insight=f"{top.name} is the most recommended alternative ({top.mentions} mentions, "
                f"average rank {top.avg_rank})",
                priority="medium",
            )
        )
    if analysis.brand_sov_pct is not None:
        insights.append(
            KeyInsight(
                insight=f"The brand's own pages are {analysis.brand_sov_pct:.0f}% of cited sources",
                priority="medium" if analysis.brand_sov_pct >= 20 else "high",
            )
        )
    return insights


def _action_items(analysis: CrossModel, mean_vis: float) -> list[ActionItem]:
    actions: list[ActionItem] = []
    if mean_vis < 50:
        actions.append(
            ActionItem(
                action="Improve brand visibility in AI answers: currently below 50%",
                priority=1,
                effort="medium",
                impact="high",
            )
        )
    if analysis.brand_sov_pct is not None and analysis.brand_sov_pct < 20:
        actions.append(
            ActionItem(
                action="Publish citable pages (amenities, pricing, reviews) on the brand's "
                "own site",
                priority=2,
                effort="medium",
                impact="high",
            )
        )
    return actions
