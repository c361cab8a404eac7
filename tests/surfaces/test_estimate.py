"""An audit's estimate: exact calls, searches by capability, a cost range around history."""

from __future__ import annotations

from surfaces.capabilities import Capabilities, model_info
from surfaces.estimate import DEFAULT_OUTPUT, Observed, Plan, estimate, tokens

PROMPTS = ["x" * 400, "y" * 800]  # 100 and 200 tokens


def plan(**over: object) -> Plan:
    base: dict[str, object] = {
        "surface": "openai",
        "model": "gpt-5.5",
        "prompts": PROMPTS,
        "samples": 3,
        "natural": False,
        "web_search": False,
        "writes_summary": False,
        "max_concurrency": 4,
        "max_rps": 0.0,
    }
    return Plan(**{**base, **over})  # type: ignore[arg-type]


def caps(web_search: str = "responses_tool") -> Capabilities:
    return Capabilities(True, web_search, True, "max_tokens")  # type: ignore[arg-type]


def test_calls_are_exact_in_each_mode() -> None:
    price = model_info("gpt-5.5")
    assert estimate(plan(), price, caps(), None).calls == 6
    assert estimate(plan(natural=True), price, caps(), None).calls == 12
    assert estimate(plan(writes_summary=True), price, caps(), None).calls == 7


def test_searches_follow_the_surface_capabilities() -> None:
    price = model_info("sonar-pro")
    assert estimate(plan(web_search=True), price, caps(), None).searches == 6
    assert estimate(plan(web_search=True), price, caps("none"), None).searches == 0
    # An engine that always searches does, even unasked, and in both natural phases.
    assert estimate(plan(), price, caps("always"), None).searches == 6
    assert estimate(plan(natural=True), price, caps("always"), None).searches == 12


def test_without_history_tokens_in_are_the_prompts_and_the_range_spans_the_output() -> None:
    price = model_info("gpt-5.5")
    found = estimate(plan(), price, caps(), None)
    assert found.input_tokens == 3 * (tokens(PROMPTS[0]) + tokens(PROMPTS[1])) == 900
    out = 6 * DEFAULT_OUTPUT["structured"]
    assert found.output_tokens == out
    assert found.cost_usd.expected == round(price.cost_usd(900, out), 6)
    assert found.cost_usd.low == round(price.cost_usd(900, out // 2), 6)
    assert found.cost_usd.high == round(price.cost_usd(900, out * 2), 6)
    assert "no earlier answers" in found.basis


def test_with_history_the_cost_is_what_earlier_answers_cost() -> None:
    seen = Observed(
        answers=52,
        input_tokens=400,
        output_tokens=800,
        searches=1,
        latency_s=2.0,
        cost_usd=0.02,
        low_cost=0.019,
        high_cost=0.021,
        wall_s_per_answer=0.5,
    )
    found = estimate(plan(), model_info("gpt-5.5"), caps(), seen)
    assert found.cost_usd.expected == 0.12
    # Never narrower than ±10 %, however alike the earlier runs were.
    assert (found.cost_usd.low, found.cost_usd.high) == (0.108, 0.132)
    assert found.duration_s == 4.0  # ceil(6 / 4) × 2 s, above 6 × 0.5 s of wall time
    assert "52 earlier answers" in found.basis


def test_duration_is_bound_by_concurrency_or_by_the_rate_limit() -> None:
    price = model_info("gpt-5.5")
    by_slots = estimate(plan(max_concurrency=2), price, caps(), None)
    assert (by_slots.duration_s, by_slots.bound_by) == (36.0, "concurrency")
    by_rate = estimate(plan(max_concurrency=100, max_rps=0.1), price, caps(), None)
    assert (by_rate.duration_s, by_rate.bound_by) == (72.0, "rate limit")
