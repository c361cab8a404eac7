"""Questions land in the matrix by visibility (half) and mean rank (top 3)."""

from __future__ import annotations

import pytest

from geo.positioning import Sighting, matrix, place_of, place_question


@pytest.mark.parametrize(
    ("visibility", "rank", "place"),
    [
        (50.0, 3.0, "dominate"),
        (100.0, 1.0, "dominate"),
        (50.0, 3.1, "defend"),
        (80.0, None, "defend"),
        (49.9, 1.0, "improve"),
        (49.9, 4.0, "expand"),
        (0.0, None, "expand"),
    ],
)
def test_the_four_places(visibility: float, rank: float | None, place: str) -> None:
    assert place_of(visibility, rank) == place


def test_a_question_over_its_answers() -> None:
    sightings = [Sighting(True, 1), Sighting(True, 4), Sighting(False, None), Sighting(True, 2)]
    placed = place_question("best pet friendly apartments", "category", sightings)
    assert (placed.visibility_pct, placed.avg_rank, placed.place) == (75.0, 2.3, "dominate")


def test_a_question_never_answered_is_ground_to_win() -> None:
    placed = place_question("rooftop pool", "amenity", [])
    assert (placed.visibility_pct, placed.avg_rank, placed.place) == (0.0, None, "expand")


def test_matrix_keeps_every_place_and_sorts_by_visibility() -> None:
    placed = [
        place_question("a", "t", [Sighting(True, 5), Sighting(False, None)]),
        place_question("b", "t", [Sighting(True, 6)]),
        place_question("c", "t", [Sighting(True, 1)]),
    ]
    grid = matrix(placed)
    assert list(grid) == ["dominate", "defend", "improve", "expand"]
    assert [q.question for q in grid["defend"]] == ["b", "a"]
    assert [q.question for q in grid["dominate"]] == ["c"]
    assert grid["improve"] == [] and grid["expand"] == []
