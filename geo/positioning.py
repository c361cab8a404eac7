"""The positioning matrix: each question placed by how often the brand is named and how high.

Visibility is the share of a question's answers (over surfaces and samples) that name the brand;
rank is its mean position in the answers that do. The four places:

- dominate: named in at least half the answers, in the top 3 on average: keep it;
- defend: named in at least half the answers but below the top 3: rivals outrank it;
- improve: named in fewer than half, yet in the top 3 when named: be named more often;
- expand: named in fewer than half and low (or never): new ground to win.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean
from typing import Literal

Place = Literal["dominate", "defend", "improve", "expand"]
PLACES: tuple[Place, ...] = ("dominate", "defend", "improve", "expand")

HIGH_VISIBILITY = 50.0
TOP_RANK = 3.0


@dataclass(frozen=True)
class Sighting:
    """One answer to a question: whether it named the brand, and at which rank."""

    present: bool
    rank: int | None


@dataclass(frozen=True)
class Placed:
    question: str
    question_type: str
    visibility_pct: float
    avg_rank: float | None
    place: Place


def place_of(visibility_pct: float, avg_rank: float | None) -> Place:
    high = visibility_pct >= HIGH_VISIBILITY
    top = avg_rank is not None and avg_rank <= TOP_RANK
    if high:
        return "dominate" if top else "defend"
    return "improve" if top else "expand"


def place_question(question: str, question_type: str, sightings: list[Sighting]) -> Placed:
    seen = [s for s in sightings if s.present]
    visibility = 100.0 * len(seen) / len(sightings) if sightings else 0.0
    ranks = [s.rank for s in seen if s.rank is not None]
    avg_rank = round(fmean(ranks), 1) if ranks else None
    return Placed(
        question, question_type, round(visibility, 1), avg_rank, place_of(visibility, avg_rank)
    )


def matrix(placed: list[Placed]) -> dict[Place, list[Placed]]:
    """Questions by place, each place's questions most visible first."""
    by_place: dict[Place, list[Placed]] = {p: [] for p in PLACES}
    for q in placed:
        by_place[q.place].append(q)
    for questions in by_place.values():
        questions.sort(key=lambda q: (-q.visibility_pct, q.avg_rank or 99.0, q.question))
    return by_place
