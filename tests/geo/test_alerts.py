"""The dashboard's banners follow the seed's rules, at their exact thresholds."""

from __future__ import annotations

from geo.alerts import Standing, alerts


def levels(**figures: object) -> list[tuple[str, str]]:
    base: dict[str, object] = {
        "score": 60.0,
        "visibility_pct": 70.0,
        "score_change": 0.0,
        "surface_scores": {"openai": 60.0, "claude": 60.0},
    }
    return [(a.level, a.title) for a in alerts(Standing(**{**base, **figures}))]  # type: ignore[arg-type]


def test_nothing_to_say_about_steady_middling_figures() -> None:
    assert levels() == []


def test_no_banner_before_a_first_scored_audit() -> None:
    assert levels(score=None, visibility_pct=None) == []


def test_a_drop_of_more_than_ten_points_is_critical() -> None:
    assert levels(score_change=-10.0) == []
    assert levels(score_change=-10.1) == [("critical", "Score dropped")]


def test_visibility_under_half_is_a_warning() -> None:
    assert levels(visibility_pct=50.0) == []
    assert levels(visibility_pct=49.9) == [("warning", "Low visibility")]


def test_surfaces_more_than_fifteen_points_apart() -> None:
    assert levels(surface_scores={"openai": 75.0, "claude": 60.0}) == []
    found = alerts(Standing(60.0, 70.0, 0.0, {"openai": 80.0, "claude": 60.0, "perplexity": 70.0}))
    assert [(a.level, a.detail) for a in found] == [
        ("warning", "openai scores 80.0 but claude only 60.0 (20.0 points apart)")
    ]


def test_a_competitor_named_more_than_fifteen_times() -> None:
    assert levels(top_competitor="The Grove", top_competitor_mentions=15) == []
    assert levels(top_competitor="The Grove", top_competitor_mentions=16) == [
        ("competitive", "A competitor dominates")
    ]


def test_good_news_needs_every_answer_and_a_score_of_75() -> None:
    assert levels(visibility_pct=100.0, score=74.9) == []
    assert levels(visibility_pct=100.0, score=75.0) == [("success", "Excellent visibility")]


def test_most_urgent_first() -> None:
    found = levels(score_change=-20.0, visibility_pct=30.0)
    assert found == [("critical", "Score dropped"), ("warning", "Low visibility")]
