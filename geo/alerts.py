"""The banners a property's figures call for (the seed dashboard's alert rules, made explicit).

critical: the combined score fell more than 10 points since the previous audit;
warning: visibility under 50 %, or two surfaces more than 15 points apart;
competitive: one competitor named more than 15 times in the latest audit, or a competitor that
  overtook the property on a surface (`geo.overtaking`: now ahead of it, not in the audit before);
success: seen in every answer (visibility 100 %) with a score of at least 75.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Level = Literal["critical", "warning", "competitive", "success"]

SCORE_DROP = 10.0
LOW_VISIBILITY = 50.0
SURFACE_GAP = 15.0
COMPETITOR_MENTIONS = 15
GOOD_SCORE = 75.0


@dataclass(frozen=True)
class Standing:
    """What the rules read: the latest figures of one property."""

    score: float | None
    visibility_pct: float | None
    score_change: float | None  # since the previous audit, in points
    surface_scores: dict[str, float]
    top_competitor: str | None = None
    top_competitor_mentions: int = 0
    # Who overtook the property where, e.g. "Vista Park on openai" (geo.overtaking.overtaken).
    overtaken: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alert:
    level: Level
    title: str
    detail: str


def _surface_gap(scores: dict[str, float]) -> Alert | None:
    if len(scores) < 2:
        return None
    (low, low_score), (high, high_score) = (
        min(scores.items(), key=lambda kv: kv[1]),
        max(scores.items(), key=lambda kv: kv[1]),
    )
    if high_score - low_score <= SURFACE_GAP:
        return None
    return Alert(
        "warning",
        "Surfaces disagree",
        f"{high} scores {high_score:.1f} but {low} only {low_score:.1f} "
        f"({high_score - low_score:.1f} points apart)",
    )


def overtaken_alert(overtaken: Sequence[str]) -> Alert | None:
    """The banner for competitors that overtook the property, e.g. "Vista Park on openai"."""
    if not overtaken:
        return None
    return Alert(
        "competitive",
        "Overtaken by a competitor",
        f"now ahead of the property: {'; '.join(overtaken)}",
    )


def alerts(s: Standing) -> list[Alert]:
    """The banners, most urgent first; none before a first scored audit."""
    if s.score is None or s.visibility_pct is None:
        return []
    found: list[Alert | None] = []
    if s.score_change is not None and s.score_change < -SCORE_DROP:
        found.append(
            Alert(
                "critical", "Score dropped", f"down {-s.score_change:.1f} points since last audit"
            )
        )
    if s.visibility_pct < LOW_VISIBILITY:
        found.append(
            Alert(
                "warning",
                "Low visibility",
                f"named in only {s.visibility_pct:.1f} % of answers",
            )
        )
    found.append(_surface_gap(s.surface_scores))
    if s.top_competitor and s.top_competitor_mentions > COMPETITOR_MENTIONS:
        found.append(
            Alert(
                "competitive",
                "A competitor dominates",
                f"{s.top_competitor} was named {s.top_competitor_mentions} times",
            )
        )
    found.append(overtaken_alert(s.overtaken))
    if s.visibility_pct >= 100.0 and s.score >= GOOD_SCORE:
        found.append(
            Alert("success", "Excellent visibility", f"in every answer, score {s.score:.1f}")
        )
    return [a for a in found if a is not None]
