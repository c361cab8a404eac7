"""Scoring one answer and aggregating a run (DESIGN §4.4), pure and None-safe.

score = 0.45·position + 0.25·link + 0.20·sov + 0.10·accuracy, each component 0–100.
A rank beyond 10 earns nothing, queries are weighted in `weighted_score`, and queries that
errored are counted apart: averaged in as zeros, a provider's outage would read as invisibility.

Every figure follows from what the answer shows, never from what the model says about it: the
rank is the brand's place in the list (not the `position` the model wrote), a citation's domain
is its URL's host (not the `domain` the model wrote), and in natural mode the brand is present
only if the prose a renter read names it or links to it.
"""

from __future__ import annotations

from statistics import fmean

from pydantic import BaseModel, Field

from geo.answer import FLAGS, AnswerBlock
from geo.brand import BrandMatcher, links_in
from geo.profile import BrandContext
from geo.quality import detect_flags
from geo.stats import wilson_interval

WEIGHTS = {"position": 0.45, "link": 0.25, "sov": 0.20, "accuracy": 0.10}
# Which rules produced a stored score. 1: the model's own positions and citation domains were
# trusted; 2: list order, URL hosts, prose evidence in natural mode, intervals over questions.
SCORING_VERSION = 2


class Evidence(BaseModel):
    """What a renter read in natural mode: the prose, and the pages its search showed."""

    prose: str
    source_urls: list[str] = Field(default_factory=list)


class Breakdown(BaseModel):
    position: float = 0.0
    link: float = 0.0
    sov: float = 0.0
    accuracy: float = 0.0


class AnswerScore(BaseModel):
    presence: bool
    llm_rank: int | None
    link_rank: int | None
    sov: float | None
    flags: list[str] = Field(default_factory=list)
    score: float
    breakdown: Breakdown
    brand_citations: list[bool] = Field(default_factory=list)
    # Aligned with the block's citations: False for a link the prose never showed (natural mode).
    shown_citations: list[bool] = Field(default_factory=list)
    sentiment: str = "not_mentioned"
    sentiment_phrase: str = ""


def rank_points(rank: int | None) -> float:
    """Rank 1 → 100, 2 → 90 … 10 → 10; beyond 10 or absent → 0."""
    if rank is None or rank < 1 or rank > 10:
        return 0.0
    return float((11 - rank) * 10)


def accuracy_points(flags: list[str]) -> float:
    if not flags:
        return 100.0
    if "possible_hallucination" in flags:
        return 0.0
    if "no_sources" in flags:
        return 25.0
    return 60.0


def brand_rank(block: AnswerBlock, matcher: BrandMatcher) -> int | None:
    """The 1-based place in the list of the first entity that is the brand."""
    for index, entity in enumerate(block.ordered_entities, start=1):
        if matcher.entity_is_brand(entity):
            return index
    return None


def shown_citations(block: AnswerBlock, evidence: Evidence | None) -> list[bool]:
    """Which citations the reader saw: all of them, or in natural mode the ones whose URL is in
    the prose or among the search's sources (an extraction may invent a link)."""
    if evidence is None:
        return [True] * len(block.citations)
    seen = {*links_in(evidence.prose), *evidence.source_urls}
    return [c.url in seen or c.url in evidence.prose for c in block.citations]


def score_answer(
    block: AnswerBlock,
    brand: BrandContext,
    *,
    detect: bool = True,
    location_stated: str | None = None,
    evidence: Evidence | None = None,
) -> AnswerScore:
    """Score one answer; with `detect`, quality flags are found in the answer, not only copied.

    With `evidence` (natural mode) the block is an extraction from prose: it counts only as far
    as the prose bears it out, and a claim the prose does not bear out is a possible
    hallucination.
    """
    matcher = BrandMatcher(brand)
    shown = shown_citations(block, evidence)
    view = block.model_copy(
        update={"citations": [c for c, ok in zip(block.citations, shown, strict=True) if ok]}
    )
    presence, llm_rank, unsupported = _presence(view, matcher, evidence, shown)
    view_brand = [matcher.citation_is_brand(c) for c in view.citations]
    link_rank = next((i + 1 for i, hit in enumerate(view_brand) if hit), None)
    sov = (sum(view_brand) / len(view_brand)) if view_brand else None
    flags: list[str] = (
        detect_flags(view, matcher, location_stated)
        if detect
        else [str(f) for f in view.notes.flags]
    )
    if unsupported and "possible_hallucination" not in flags:
        flags = [f for f in FLAGS if f in {*flags, "possible_hallucination"}]
    # Verdicts realigned with all of the block's citations: a hidden one is never the brand's.
    brand_iter = iter(view_brand)
    brand_citations = [next(brand_iter) if ok else False for ok in shown]
    breakdown = Breakdown(
        position=rank_points(llm_rank),
        link=rank_points(link_rank),
        sov=min(100.0, max(0.0, (sov or 0.0) * 100)),
        accuracy=accuracy_points(flags),
    )
    score = sum(getattr(breakdown, key) * weight for key, weight in WEIGHTS.items())
    label, phrase = _sentiment(block, presence)
    return AnswerScore(
        sentiment=label,
        sentiment_phrase=phrase,
        presence=presence,
        llm_rank=llm_rank,
        link_rank=link_rank,
        sov=sov,
        flags=flags,
        score=round(score, 2),
        breakdown=breakdown,
        brand_citations=brand_citations,
        shown_citations=shown,
    )


def _presence(
    view: AnswerBlock, matcher: BrandMatcher, evidence: Evidence | None, shown: list[bool]
) -> tuple[bool, int | None, bool]:
    """(presence, rank, unsupported): in natural mode only the prose decides presence, and an
    extraction that claims more than the prose shows is unsupported."""
    llm_rank = brand_rank(view, matcher)
    claimed = llm_rank is not None or matcher.summary_names_brand(view.answer_summary)
    if evidence is None:
        return claimed, llm_rank, False
    presence = matcher.prose_shows_brand(evidence.prose, evidence.source_urls)
    unsupported = (claimed and not presence) or not all(shown)
    return presence, llm_rank if presence else None, unsupported


def _sentiment(block: AnswerBlock, presence: bool) -> tuple[str, str]:
    """The tone and its phrase: none for an answer that does not name the brand, and neutral
    (not absent) for one that names it without a tone."""
    if not presence:
        return "not_mentioned", ""
    label = block.brand_sentiment.label
    return ("neutral" if label == "not_mentioned" else label), block.brand_sentiment.phrase


class ScoredAnswer(BaseModel):
    """One answered sample of one query, as aggregation sees it."""

    query_id: str
    weight: float = 1.0
    score: AnswerScore


class QueryScore(BaseModel):
    score: float
    presence_rate: float
    llm_rank: float | None
    link_rank: float | None
    sov: float | None
    samples: int
    breakdown: Breakdown


class SentimentRollup(BaseModel):
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    mentioned: int = 0
    net: float | None = None  # (positive − negative) / mentioned, −1…1


def sentiment_rollup(labels: list[str]) -> SentimentRollup:
    pos, neu, neg = (labels.count(x) for x in ("positive", "neutral", "negative"))
    mentioned = pos + neu + neg
    return SentimentRollup(
        positive=pos,
        neutral=neu,
        negative=neg,
        mentioned=mentioned,
        net=round((pos - neg) / mentioned, 3) if mentioned else None,
    )


class RunScore(BaseModel):
    overall_score: float
    weighted_score: float
    visibility_pct: float
    avg_llm_rank: float | None
    avg_link_rank: float | None
    avg_sov: float | None
    breakdown: Breakdown
    query_scores: dict[str, QueryScore]
    answered: int
    errors: int
    visibility_ci: tuple[float, float] | None = None
    sentiment: SentimentRollup = Field(default_factory=lambda: SentimentRollup())


def _mean_of(scores: list[AnswerScore], figure: str, digits: int = 2) -> float | None:
    """The rounded mean of a figure over the answers that have it; None if none has it."""
    values = [v for s in scores if (v := getattr(s, figure)) is not None]
    return round(fmean(values), digits) if values else None


def _mean_breakdown(items: list[Breakdown]) -> Breakdown:
    if not items:
        return Breakdown()
    return Breakdown(**{key: round(fmean(getattr(b, key) for b in items), 2) for key in WEIGHTS})


def aggregate_run(answers: list[ScoredAnswer], errors: int = 0) -> RunScore:
    """Per-query means over samples, then run means over queries; errors are only counted."""
    by_query: dict[str, list[ScoredAnswer]] = {}
    for answer in answers:
        by_query.setdefault(answer.query_id, []).append(answer)
    query_scores: dict[str, QueryScore] = {}
    weights: dict[str, float] = {}
    for query_id, samples in by_query.items():
        scores = [s.score for s in samples]
        weights[query_id] = samples[0].weight
        query_scores[query_id] = QueryScore(
            score=round(fmean(s.score for s in scores), 2),
            presence_rate=round(fmean(1.0 if s.presence else 0.0 for s in scores), 4),
            llm_rank=_mean_of(scores, "llm_rank"),
            link_rank=_mean_of(scores, "link_rank"),
            sov=_mean_of(scores, "sov", 4),
            samples=len(samples),
            breakdown=_mean_breakdown([s.breakdown for s in scores]),
        )
    all_scores = [a.score for a in answers]
    per_query = list(query_scores.values())
    total_weight = sum(weights.values())
    weighted = (
        sum(query_scores[q].score * w for q, w in weights.items()) / total_weight
        if total_weight > 0
        else 0.0
    )
    return RunScore(
        overall_score=round(fmean(q.score for q in per_query), 2) if per_query else 0.0,
        weighted_score=round(weighted, 2),
        visibility_pct=round(100 * fmean(q.presence_rate for q in per_query), 2)
        if per_query
        else 0.0,
        avg_llm_rank=_mean_of(all_scores, "llm_rank"),
        avg_link_rank=_mean_of(all_scores, "link_rank"),
        avg_sov=_mean_of(all_scores, "sov", 4),
        breakdown=_mean_breakdown([s.breakdown for s in all_scores]),
        query_scores=query_scores,
        answered=len(answers),
        errors=errors,
        visibility_ci=_pct_interval(sum(q.presence_rate for q in per_query), len(per_query)),
        sentiment=sentiment_rollup([s.sentiment for s in all_scores]),
    )


def _pct_interval(successes: float, n: int) -> tuple[float, float] | None:
    """Visibility's 95% Wilson interval with the question as the unit of observation, in percent.

    Samples of one question are not independent (the same model, the same prompt), so they
    sharpen that question's presence rate but never count as more observations: n is the
    number of questions and the rate their mean presence rate. A rate in [0, 1] with mean p has
    variance at most p(1 − p), so the binomial interval over questions is conservative.
    """
    interval = wilson_interval(successes, n)
    return None if interval is None else (round(100 * interval[0], 2), round(100 * interval[1], 2))


def score_bucket(score: float) -> str:
    for floor, bucket in ((75, "excellent"), (50, "good"), (25, "fair")):
        if score >= floor:
            return bucket
    return "poor"
