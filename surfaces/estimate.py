"""What an audit will cost and how long it will take, before it spends anything.

Calls are exact: one per question and sample (two in natural mode), plus the batch summary on
the first surface. Searches follow the surface's capabilities. Tokens in are counted on the very
prompts the audit will send (four characters a token, as the providers' English averages go).
Tokens out, and the time a call takes, come from the property's earlier answers on the same
surface, model and mode when there are some (`Observed`), else from the defaults below; the
range spans half to twice the expected output without history, and the cheapest to the dearest
earlier run's mean with it (never narrower than ±10 %).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil

from surfaces.capabilities import Capabilities, ModelInfo

CHARS_PER_TOKEN = 4
# A call's tokens out and seconds without any history (a ~15-place list with reasons, a prose
# answer, an extraction envelope, a summary), and its latency on a real provider.
DEFAULT_OUTPUT = {"structured": 900, "natural": 700, "extraction": 600, "summary": 700}
DEFAULT_LATENCY_S = 12.0
SUMMARY_PROMPT_TOKENS = 2500
MIN_SPREAD = 0.10


def tokens(text: str) -> int:
    return max(1, len(text) // CHARS_PER_TOKEN)


@dataclass(frozen=True)
class Observed:
    """A surface's earlier answers for this property, model and mode: per answer, means."""

    answers: int
    input_tokens: float
    output_tokens: float
    searches: float
    latency_s: float
    cost_usd: float
    # The mean cost per answer of the cheapest and the dearest earlier run.
    low_cost: float
    high_cost: float
    # How long a run took per answer, all overheads included, at the concurrency it had.
    wall_s_per_answer: float | None = None


@dataclass(frozen=True)
class Plan:
    """One surface's share of an audit, as it would be started."""

    surface: str
    model: str
    prompts: list[str]  # the structured prompt, or the bare question, of each active question
    samples: int
    natural: bool
    web_search: bool
    writes_summary: bool
    max_concurrency: int
    max_rps: float


@dataclass(frozen=True)
class Span:
    low: float
    expected: float
    high: float


@dataclass
class SurfaceEstimate:
    surface: str
    model: str
    answers: int
    calls: int
    searches: int
    input_tokens: int
    output_tokens: int
    cost_usd: Span
    duration_s: float
    bound_by: str  # "concurrency" or "rate limit"
    basis: str
    assumptions: list[str] = field(default_factory=list)


def _answer_tokens(plan: Plan, prompt: str) -> tuple[int, float]:
    """(tokens in, expected tokens out) of one answer without history."""
    if not plan.natural:
        return tokens(prompt), DEFAULT_OUTPUT["structured"]
    prose = DEFAULT_OUTPUT["natural"]
    # Phase 2 reads phase 1's prose inside the extraction prompt (~600 tokens of instructions).
    return tokens(prompt) + 600 + int(prose), prose + DEFAULT_OUTPUT["extraction"]


def _span(expected: float, low: float, high: float) -> Span:
    low = min(low, expected * (1 - MIN_SPREAD))
    high = max(high, expected * (1 + MIN_SPREAD))
    return Span(round(low, 6), round(expected, 6), round(high, 6))


def _duration(plan: Plan, calls: int, latency_s: float) -> tuple[float, str]:
    by_concurrency = ceil(calls / max(plan.max_concurrency, 1)) * latency_s
    by_rate = calls / plan.max_rps if plan.max_rps > 0 else 0.0
    if by_rate > by_concurrency:
        return round(by_rate + latency_s, 1), "rate limit"
    return round(by_concurrency, 1), "concurrency"


def estimate(
    plan: Plan, price: ModelInfo, caps: Capabilities, seen: Observed | None
) -> SurfaceEstimate:
    answers = len(plan.prompts) * plan.samples
    per_answer_calls = 2 if plan.natural else 1
    searching = caps.searches(plan.web_search)
    # An engine that always searches does so in both natural phases.
    searches_per_answer = (
        0 if not searching else per_answer_calls if caps.web_search == "always" else 1
    )
    if seen is not None and seen.answers:
        out = seen.output_tokens * answers
        in_ = seen.input_tokens * answers
        searches = round(seen.searches * answers)
        latency = seen.latency_s / per_answer_calls
        low, high = seen.low_cost * answers, seen.high_cost * answers
        expected = seen.cost_usd * answers
        basis = f"{seen.answers} earlier answers of this property on {plan.model}"
    else:
        out = sum(_answer_tokens(plan, p)[1] for p in plan.prompts) * plan.samples
        in_ = sum(_answer_tokens(plan, p)[0] for p in plan.prompts) * plan.samples
        searches = searches_per_answer * answers
        latency = DEFAULT_LATENCY_S
        expected = price.cost_usd(round(in_), round(out), searches)
        low = price.cost_usd(round(in_), round(out / 2), searches)
        high = price.cost_usd(round(in_), round(out * 2), searches)
        basis = "no earlier answers: default answer lengths and latency"
    calls = answers * per_answer_calls
    summary = price.cost_usd(SUMMARY_PROMPT_TOKENS, DEFAULT_OUTPUT["summary"])
    if plan.writes_summary:
        calls += 1
        expected, low, high = expected + summary, low + summary, high + summary
    duration, bound = _duration(plan, calls, latency)
    if seen is not None and seen.wall_s_per_answer is not None:
        duration = round(max(duration, seen.wall_s_per_answer * answers), 1)
    return SurfaceEstimate(
        surface=plan.surface,
        model=plan.model,
        answers=answers,
        calls=calls,
        searches=searches,
        input_tokens=round(in_),
        output_tokens=round(out),
        cost_usd=_span(expected, low, high),
        duration_s=duration,
        bound_by=bound,
        basis=basis,
        assumptions=[
            f"{plan.max_concurrency} calls in flight (one worker replica)"
            + (f", at most {plan.max_rps:g}/s" if plan.max_rps > 0 else ""),
            "no call retried (a rate limit or a malformed answer adds calls and cost)",
        ],
    )
