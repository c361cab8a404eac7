"""Page-level citation opportunities: the exact pages the engines cite for competitors and never
for the property (`geo.source_gaps`), named in the advice."""

from __future__ import annotations

from collections.abc import Sequence

from geo.recommendations.model import Recommendation, recommendation_id
from geo.source_gaps import GapPage

__all__ = ["GapPage", "gap_pages"]

TOP_PAGES = 3
# A page one question on one surface cited is an anecdote, not an opportunity.
MIN_QUESTION_SURFACES = 2


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def gap_pages(gaps: Sequence[GapPage], brand_name: str) -> list[Recommendation]:
    """The leading gap pages a property could be listed on (a rival's own site is not one)."""
    usable = [g for g in gaps if not g.rival_site and g.question_surfaces >= MIN_QUESTION_SURFACES]
    return [_advice(g, brand_name) for g in usable[:TOP_PAGES]]


def _advice(gap: GapPage, brand_name: str) -> Recommendation:
    rival, favouring = gap.favoured[0]
    others = len(gap.favoured) - 1
    also = f" (and for {_plural(others, 'other competitor')})" if others else ""
    return Recommendation(
        id=recommendation_id("page", gap.url),
        type="page_gap",
        priority="medium",
        title=f"Get listed on {gap.url}",
        description=f"Cited {_plural(favouring, 'time')} for {rival}{also} in "
        f"{_plural(gap.questions, 'question')} on {_and(gap.surfaces)}, never for {brand_name}.",
        keywords=[gap.domain],
        competitor_context={"name": rival, "citations": favouring},
        affected_surfaces=gap.surfaces,
        impact_score=min(80, 40 + 5 * gap.question_surfaces),
        impact_reason="A page the models already cite for a competitor in this market",
        action_items=[
            f"Get {brand_name} onto {gap.url} (claim a listing, a review, a mention)",
            f"Give it the facts that page shows for {rival}: prices, amenities, reviews",
            "Re-run the audit once the page shows the property",
        ],
        pages=[gap.url],
    )
