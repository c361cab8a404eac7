"""Results split by who asks and from where: a run's answers grouped by the question's persona or
language, and a property's audits grouped by the asker's location.

Each group is scored by `geo.scoring.aggregate_run`, the function that scores the whole run, so
a segment's figures mean exactly what the run's mean: per-question means over samples, then
means over questions; errors are counted apart, never averaged in as zeros.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeVar

from geo.location import AskerLocation
from geo.scoring import AnswerScore, Breakdown, RunScore, ScoredAnswer, aggregate_run

Dimension = Literal["persona", "language"]
DIMENSIONS: tuple[Dimension, ...] = ("persona", "language")
# The panel's questions without a persona are asked as any renter would ask them.
ANY_RENTER = ""
ANY_RENTER_LABEL = "any renter"
UNSPECIFIED = "unspecified"
T = TypeVar("T")


@dataclass(frozen=True)
class AnswerRecord:
    """One stored answer as segmenting needs it (an error has no figures)."""

    surface: str
    query_id: str
    persona: str = ANY_RENTER
    language: str = "en"
    weight: float = 1.0
    ok: bool = True
    presence: bool = False
    llm_rank: int | None = None
    link_rank: int | None = None
    sov: float | None = None
    score: float | None = None
    breakdown: dict[str, Any] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    sentiment: str = "not_mentioned"

    def scored(self) -> ScoredAnswer:
        """The answer as the run's aggregation reads it."""
        return ScoredAnswer(
            query_id=self.query_id,
            weight=self.weight,
            score=AnswerScore(
                presence=self.presence,
                llm_rank=self.llm_rank,
                link_rank=self.link_rank,
                sov=self.sov,
                flags=list(self.flags),
                score=self.score or 0.0,
                breakdown=Breakdown.model_validate(self.breakdown or {}),
                sentiment=self.sentiment,
            ),
        )


@dataclass(frozen=True)
class Figures:
    """A group of answers scored like a run."""

    answers: int
    errors: int
    questions: int
    overall_score: float | None
    weighted_score: float | None
    visibility_pct: float | None
    avg_llm_rank: float | None
    avg_link_rank: float | None
    avg_sov: float | None


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    figures: Figures


def figures(records: Iterable[AnswerRecord]) -> Figures:
    """The records scored with the run's own aggregation; no usable answer, no figures."""
    rows = list(records)
    ok = [r.scored() for r in rows if r.ok]
    score: RunScore = aggregate_run(ok, errors=len(rows) - len(ok))
    usable = bool(ok)
    return Figures(
        answers=score.answered,
        errors=score.errors,
        questions=len(score.query_scores),
        overall_score=score.overall_score if usable else None,
        weighted_score=score.weighted_score if usable else None,
        visibility_pct=score.visibility_pct if usable else None,
        avg_llm_rank=score.avg_llm_rank,
        avg_link_rank=score.avg_link_rank,
        avg_sov=score.avg_sov,
    )


def key_of(record: AnswerRecord, by: Dimension) -> str:
    return record.persona if by == "persona" else record.language


def label_of(key: str, by: Dimension) -> str:
    if by == "persona":
        return key.replace("_", " ") if key != ANY_RENTER else ANY_RENTER_LABEL
    return key


def _order(by: Dimension) -> Callable[[str], tuple[int, str]]:
    # Any renter (the general panel) and English (the default language) lead; then by name.
    first = ANY_RENTER if by == "persona" else "en"
    return lambda key: (0 if key == first else 1, key.casefold())


def split(records: Iterable[AnswerRecord], by: Dimension) -> list[Segment]:
    """One segment per persona (or language) the records hold, each scored like a run."""
    groups: dict[str, list[AnswerRecord]] = {}
    for record in records:
        groups.setdefault(key_of(record, by), []).append(record)
    return [
        Segment(key, label_of(key, by), figures(groups[key]))
        for key in sorted(groups, key=_order(by))
    ]


def by_surface(records: Iterable[AnswerRecord]) -> dict[str, list[AnswerRecord]]:
    groups: dict[str, list[AnswerRecord]] = {}
    for record in records:
        groups.setdefault(record.surface, []).append(record)
    return groups


def kinds(records: Iterable[AnswerRecord], by: Dimension) -> list[str]:
    """The personas (or languages) the records hold, in the segments' order."""
    return sorted({key_of(r, by) for r in records}, key=_order(by))


def location_of(stored: dict[str, Any] | None) -> AskerLocation | None:
    """An audit's stored asker location; None when it asked from nowhere in particular."""
    if not stored:
        return None
    location = AskerLocation.model_validate(stored)
    return location if location.key() else None


def location_key(stored: dict[str, Any] | None) -> tuple[str, str]:
    """(key, label) of an audit's asker location: two audits with the same key asked from the
    same place; without one, both are UNSPECIFIED."""
    location = location_of(stored)
    if location is None:
        return UNSPECIFIED, UNSPECIFIED
    return location.key(), location.label()


def latest_per(
    items: Iterable[T], key: Callable[[T], str], at: Callable[[T], datetime]
) -> list[tuple[str, T, int]]:
    """Per key: (key, its latest item, how many items share it); unspecified last, else by key."""
    latest: dict[str, T] = {}
    counts: dict[str, int] = {}
    for item in items:
        k = key(item)
        counts[k] = counts.get(k, 0) + 1
        if k not in latest or at(item) > at(latest[k]):
            latest[k] = item
    ordered = sorted(latest, key=lambda k: (k == UNSPECIFIED, k))
    return [(k, latest[k], counts[k]) for k in ordered]
