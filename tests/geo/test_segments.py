"""Splitting a run's answers by persona and language, scored by the run's own aggregation, and a
property's audits by the asker's location."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from geo.scoring import aggregate_run
from geo.segments import (
    AnswerRecord,
    figures,
    kinds,
    label_of,
    latest_per,
    location_key,
    split,
)


def rec(query: str, persona: str = "", language: str = "en", **fields: object) -> AnswerRecord:
    values: dict[str, object] = {"surface": "openai", "query_id": query}
    values |= {"persona": persona, "language": language, **fields}
    return AnswerRecord(**values)  # type: ignore[arg-type]


def named(query: str, rank: int, score: float, **fields: object) -> AnswerRecord:
    return replace(rec(query), presence=True, llm_rank=rank, score=score, **fields)  # type: ignore[arg-type]


RECORDS = [
    # q1 asked twice (named at 1, then not), q2 named at 3 for families, q3 in Spanish absent,
    # q4 a family question in Spanish that failed.
    named("q1", 1, 80.0, sov=0.5, link_rank=1),
    rec("q1", score=10.0, sov=0.0),
    named("q2", 3, 40.0, persona="families", weight=2.0),
    rec("q3", language="es", score=10.0),
    rec("q4", persona="families", language="es", ok=False),
]


def test_a_segment_is_scored_per_question_then_over_questions() -> None:
    any_renter, families = split(RECORDS, "persona")
    assert (any_renter.key, any_renter.label) == ("", "any renter")
    f = any_renter.figures
    # q1: mean of its two samples (45, presence 0.5); q3: 10, absent.
    assert (f.answers, f.errors, f.questions) == (3, 0, 2)
    assert f.overall_score == pytest.approx((45.0 + 10.0) / 2)
    assert f.visibility_pct == 25.0
    assert (f.avg_llm_rank, f.avg_link_rank, f.avg_sov) == (1.0, 1.0, 0.25)
    g = families.figures
    assert (g.answers, g.errors, g.questions) == (1, 1, 1)
    assert (g.overall_score, g.weighted_score, g.visibility_pct, g.avg_llm_rank) == (
        40.0,
        40.0,
        100.0,
        3.0,
    )


def test_languages_weigh_questions_as_the_run_does() -> None:
    english, spanish = split(RECORDS, "language")
    assert english.key == "en" and spanish.key == "es"
    # q1 scores 45 (weight 1) and q2 40 (weight 2).
    assert english.figures.overall_score == 42.5
    assert english.figures.weighted_score == pytest.approx(round((45 + 2 * 40) / 3, 2))
    assert english.figures.visibility_pct == 75.0
    assert english.figures.avg_llm_rank == 2.0
    assert (spanish.figures.answers, spanish.figures.errors) == (1, 1)
    assert spanish.figures.avg_llm_rank is None


def test_the_whole_run_is_the_runs_own_score() -> None:
    whole = figures(RECORDS)
    run = aggregate_run([r.scored() for r in RECORDS if r.ok], errors=1)
    assert (whole.overall_score, whole.weighted_score, whole.visibility_pct) == (
        run.overall_score,
        run.weighted_score,
        run.visibility_pct,
    )
    assert (whole.answers, whole.errors) == (run.answered, run.errors)


def test_a_segment_of_errors_alone_has_no_figures() -> None:
    (only,) = split([rec("q4", ok=False)], "persona")
    f = only.figures
    assert (f.answers, f.errors, f.overall_score, f.visibility_pct) == (0, 1, None, None)


def test_any_renter_and_english_lead_then_by_name() -> None:
    mixed = [rec("a", "students"), rec("b", "pet_owners"), rec("c"), rec("d", language="fr")]
    assert kinds(mixed, "persona") == ["", "pet_owners", "students"]
    assert kinds([replace(r, language="es") for r in mixed] + [rec("e")], "language") == [
        "en",
        "es",
    ]
    assert label_of("pet_owners", "persona") == "pet owners"
    assert label_of("es", "language") == "es"


def test_locations_are_keyed_by_place_and_none_is_unspecified() -> None:
    sd = {"city": "San Diego", "region": "CA", "country": "US"}
    assert location_key(sd) == ("san diego, ca, us", "San Diego, CA, US")
    assert location_key({**sd, "city": "SAN DIEGO"})[0] == "san diego, ca, us"
    assert location_key(None) == ("unspecified", "unspecified")
    assert location_key({}) == ("unspecified", "unspecified")
    assert location_key({"timezone": "America/Chicago"})[0] == "unspecified"


def test_the_latest_item_per_key_with_how_many_share_it() -> None:
    day = [datetime(2026, 1, d, tzinfo=UTC) for d in (1, 2, 3, 4)]
    items = [("austin", day[0]), ("unspecified", day[3]), ("austin", day[2]), ("boston", day[1])]
    latest = latest_per(items, key=lambda i: i[0], at=lambda i: i[1])
    assert [(k, item[1], n) for k, item, n in latest] == [
        ("austin", day[2], 2),
        ("boston", day[1], 1),
        ("unspecified", day[3], 1),
    ]
