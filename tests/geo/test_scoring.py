import pytest

from geo.answer import AnswerBlock, Citation, Entity, Notes
from geo.profile import BrandContext
from geo.scoring import ScoredAnswer, aggregate_run, rank_points, score_answer, score_bucket

BRAND = BrandContext(name="AMLI Aero", domains=["amli.com"])


def block(
    entities: list[tuple[str, str]] = (),
    citations: list[str] = (),
    flags=(),
    summary: str = "Several communities fit this search.",
) -> AnswerBlock:  # type: ignore[assignment]
    return AnswerBlock(
        ordered_entities=[
            Entity(name=n, domain=d, position=i + 1) for i, (n, d) in enumerate(entities)
        ],
        citations=[Citation(url=f"https://{d}/x", domain=d) for d in citations],
        answer_summary=summary,
        notes=Notes(flags=list(flags)),
    )


def test_absent_without_flags_scores_accuracy_only() -> None:
    s = score_answer(block([("Other", "other.com")], ["other.com"]), BRAND)
    assert (s.presence, s.llm_rank, s.link_rank, s.sov) == (False, None, None, 0.0)
    assert s.score == 10.0


def test_absent_with_no_sources() -> None:
    # The seed's worked value, with the model's flags taken as given.
    s = score_answer(block([("Other", "other.com")], flags=["no_sources"]), BRAND, detect=False)
    assert s.sov is None and s.score == 2.5


def test_detected_flags_entities_without_sources_and_empty_summary() -> None:
    s = score_answer(block([("Other", "other.com")], summary=" "), BRAND)
    assert s.flags == ["no_sources", "possible_hallucination"] and s.score == 0
    clean = score_answer(block([], summary="No community matches."), BRAND)
    assert clean.flags == ["no_sources"]  # nothing claimed, nothing hallucinated


def test_nap_mismatch_when_the_brand_is_placed_elsewhere() -> None:
    brand = BRAND.model_copy(update={"city": "San Diego", "state": "CA"})
    wrong = block(
        [("AMLI Aero", "amli.com")],
        ["amli.com"],
        summary="AMLI Aero is a popular community in Denver, CO.",
    )
    right = block(
        [("AMLI Aero", "amli.com")],
        ["amli.com"],
        summary="AMLI Aero is a popular community in San Diego, CA. Vista in Austin, TX.",
    )
    assert "nap_mismatch" in score_answer(wrong, brand).flags
    assert "nap_mismatch" not in score_answer(right, brand).flags
    stated = score_answer(right, brand, location_stated="Phoenix, AZ")
    assert "nap_mismatch" in stated.flags and stated.breakdown.accuracy == 60


def test_rank_one_without_brand_citation() -> None:
    s = score_answer(block([("AMLI Aero", "amli.com"), ("X", "x.com")], ["x.com"]), BRAND)
    assert s.llm_rank == 1 and s.link_rank is None
    assert s.score == pytest.approx(0.45 * 100 + 0.10 * 100)  # 55


def test_rank_one_with_first_of_four_citations_brand() -> None:
    s = score_answer(
        block([("AMLI Aero", "amli.com")], ["amli.com", "a.com", "b.com", "c.com"]), BRAND
    )
    assert (s.link_rank, s.sov) == (1, 0.25)
    assert s.score == 85.0
    assert s.brand_citations == [True, False, False, False]


def test_rank_three_link_two_half_sov_with_outdated_flag() -> None:
    s = score_answer(
        block(
            [("A", "a.com"), ("B", "b.com"), ("AMLI Aero", "")],
            ["a.com", "www.amli.com"],
            flags=["outdated_info"],
        ),
        BRAND,
    )
    # position 80, link 90, sov 50, accuracy 60
    assert s.score == pytest.approx(0.45 * 80 + 0.25 * 90 + 0.20 * 50 + 0.10 * 60)


def test_rank_beyond_ten_earns_nothing() -> None:
    assert rank_points(10) == 10 and rank_points(11) == 0 and rank_points(None) == 0
    entities = [(f"P{i}", f"p{i}.com") for i in range(11)] + [("AMLI Aero", "amli.com")]
    s = score_answer(block(entities), BRAND)
    assert s.llm_rank == 12 and s.breakdown.position == 0


def test_hallucination_zeroes_accuracy_even_with_no_sources() -> None:
    s = score_answer(block(flags=["no_sources", "possible_hallucination"]), BRAND)
    assert s.breakdown.accuracy == 0 and s.score == 0


def test_presence_from_summary_only() -> None:
    s = score_answer(block([("X", "x.com")], summary="Many pick amli aero for its pool."), BRAND)
    assert s.presence and s.llm_rank is None


def test_aggregate_counts_errors_apart_and_weights_queries() -> None:
    high = score_answer(block([("AMLI Aero", "amli.com")], ["amli.com"]), BRAND)  # 100
    low = score_answer(block([("X", "x.com")], ["x.com"]), BRAND)  # 10
    run = aggregate_run(
        [
            ScoredAnswer(query_id="q1", weight=3.0, score=high),
            ScoredAnswer(query_id="q2", weight=1.0, score=low),
        ],
        errors=2,
    )
    assert high.score == 100.0
    assert run.overall_score == 55.0
    assert run.weighted_score == pytest.approx((3 * 100 + 10) / 4)
    assert run.visibility_pct == 50.0
    assert (run.answered, run.errors) == (2, 2)
    assert run.avg_llm_rank == 1.0 and run.avg_sov == 0.5
    assert set(run.query_scores) == {"q1", "q2"}


def test_aggregate_samples_are_averaged_per_query() -> None:
    present = score_answer(block([("AMLI Aero", "amli.com")]), BRAND)
    absent = score_answer(block([("X", "x.com")]), BRAND)
    run = aggregate_run(
        [ScoredAnswer(query_id="q", score=present), ScoredAnswer(query_id="q", score=absent)]
    )
    assert run.query_scores["q"].presence_rate == 0.5
    assert run.query_scores["q"].samples == 2
    assert run.visibility_pct == 50.0


def test_empty_run() -> None:
    run = aggregate_run([], errors=3)
    assert (run.overall_score, run.visibility_pct, run.avg_llm_rank) == (0.0, 0.0, None)


@pytest.mark.parametrize(
    ("score", "bucket"),
    [(75, "excellent"), (74.9, "good"), (50, "good"), (25, "fair"), (24.99, "poor")],
)
def test_buckets(score: float, bucket: str) -> None:
    assert score_bucket(score) == bucket
