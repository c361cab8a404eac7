from collections.abc import Sequence

import pytest

from geo.answer import AnswerBlock, Citation, Entity, Flag, Notes
from geo.profile import BrandContext
from geo.scoring import (
    Evidence,
    ScoredAnswer,
    aggregate_run,
    rank_points,
    score_answer,
    score_bucket,
)
from geo.stats import wilson_interval

BRAND = BrandContext(name="AMLI Aero", domains=["amli.com"])


def block(
    entities: Sequence[tuple[str, str]] = (),
    citations: Sequence[str] = (),
    flags: Sequence[Flag] = (),
    summary: str = "Several communities fit this search.",
) -> AnswerBlock:
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


def test_samples_do_not_narrow_visibility_beyond_the_questions() -> None:
    """Five samples of four questions, each question always answered the same way: the
    interval is the one of four observations, not of twenty."""
    present = score_answer(block([("AMLI Aero", "amli.com")]), BRAND)
    absent = score_answer(block([("X", "x.com")]), BRAND)
    answers = [
        ScoredAnswer(query_id=q, score=present if q in ("q1", "q2") else absent)
        for q in ("q1", "q2", "q3", "q4")
        for _ in range(5)
    ]
    run = aggregate_run(answers)
    low, high = wilson_interval(2, 4) or (0.0, 0.0)
    assert run.visibility_ci == (round(100 * low, 2), round(100 * high, 2))
    one_sample_each = aggregate_run([a for i, a in enumerate(answers) if i % 5 == 0])
    assert run.visibility_ci == one_sample_each.visibility_ci  # copies add no evidence
    naive = wilson_interval(10, 20) or (0.0, 0.0)
    assert run.visibility_ci[1] - run.visibility_ci[0] > 100 * (naive[1] - naive[0])


def test_rank_is_the_place_in_the_list_not_the_claimed_position() -> None:
    lying = AnswerBlock(
        ordered_entities=[
            Entity(name="Vista Park", domain="vista.com", position=1, claimed_position=3),
            Entity(name="Elan Row", domain="elan.com", position=2, claimed_position=2),
            Entity(name="AMLI Aero", domain="amli.com", position=3, claimed_position=1),
        ],
        citations=[
            # The model calls a rival's page the brand's, and the brand's page a rival's.
            Citation(url="https://www.vista.com/x", domain="vista.com", claimed_domain="amli.com"),
            Citation(url="https://amli.com/aero", domain="amli.com", claimed_domain="zillow.com"),
        ],
        answer_summary="Renters like Vista Park.",
    )
    s = score_answer(lying, BRAND)
    assert (s.llm_rank, s.link_rank, s.sov) == (3, 2, 0.5)
    assert s.brand_citations == [False, True]


def test_a_citation_domain_is_its_urls_host_whatever_the_model_wrote() -> None:
    from geo.answer import coerce_answer_block

    parsed = coerce_answer_block(
        {
            "ordered_entities": [{"name": "AMLI Aero", "domain": "amli.com", "position": 7}],
            "citations": [{"url": "https://WWW.Vista.com/p", "domain": "amli.com"}],
        }
    )
    assert parsed.ordered_entities[0].position == 1
    assert parsed.ordered_entities[0].claimed_position == 7
    assert (parsed.citations[0].domain, parsed.citations[0].claimed_domain) == (
        "vista.com",
        "amli.com",
    )
    assert score_answer(parsed, BRAND).link_rank is None


PROSE = """Here are places renters often consider:

1. **Vista Park** (vista.com) — quiet. [vista.com](https://www.vista.com/sd)
2. **Elan Row** — near transit.
"""


def test_natural_presence_needs_the_prose_to_name_or_link_the_brand() -> None:
    # The extraction claims the brand, first, with a link the prose never showed.
    claimed = AnswerBlock(
        ordered_entities=[
            Entity(name="AMLI Aero", domain="amli.com", position=1),
            Entity(name="Vista Park", domain="vista.com", position=2),
        ],
        citations=[
            Citation(url="https://www.amli.com/aero", domain="amli.com"),
            Citation(url="https://www.vista.com/sd", domain="vista.com"),
        ],
        answer_summary="AMLI Aero is the top pick.",
    )
    s = score_answer(claimed, BRAND, evidence=Evidence(prose=PROSE))
    assert (s.presence, s.llm_rank, s.link_rank) == (False, None, None)
    assert "possible_hallucination" in s.flags and s.breakdown.accuracy == 0
    assert s.shown_citations == [False, True]
    named = PROSE + "\n3. **Aero by AMLI** — rooftop pool.\n"
    s = score_answer(claimed, BRAND, evidence=Evidence(prose=named))
    assert s.presence and s.llm_rank == 1
    linked = PROSE + "\nSee also [amli.com](https://www.amli.com/aero)."
    assert score_answer(claimed, BRAND, evidence=Evidence(prose=linked)).presence
    # A web-search source the reader saw counts as a link, too.
    sourced = Evidence(prose=PROSE, source_urls=["https://sandiego.amli.com/aero"])
    assert score_answer(claimed, BRAND, evidence=sourced).presence


def test_places_with_accents_are_read_and_compared_without_them() -> None:
    from geo.quality import places_mismatch, stated_places

    assert stated_places("Casa Peñasco en San José, CA y más") == [("San José", "CA")]
    assert stated_places("vive en Ñuñoa Centro, CA") == [("Ñuñoa Centro", "CA")]
    assert not places_mismatch([("San Jose", "CA")], "San José", "CA")
    assert not places_mismatch([("Downtown San José", "CA")], "San Jose", "CA")
    assert places_mismatch([("Málaga", "CA")], "San José", "CA")
