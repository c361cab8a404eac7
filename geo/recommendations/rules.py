"""The rule engine: concrete, prioritised recommendations from one audit's answers.

The rules of seed-system.md §7.3, read so that each fires on facts the audit has: voice-search
advice for the panel's own voice questions, citation opportunities counted from citations
(third-party sources where the brand is missing), and the brand told apart from its rivals by
the scorer's own matcher. No advice names a city or a property the brand does not give.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

from geo.brand import BrandMatcher
from geo.domains import is_brand_domain, normalize_domain
from geo.profile import BrandContext
from geo.recommendations.model import (
    AnswerFact,
    EntityFact,
    Priority,
    QueryFact,
    Recommendation,
    SurfaceResult,
    recommendation_id,
    sort_recommendations,
)
from geo.recommendations.pages import GapPage, gap_pages


def recommend(
    queries: list[QueryFact],
    answers: list[AnswerFact],
    *,
    brand: BrandContext,
    gaps: Sequence[GapPage] = (),
) -> list[Recommendation]:
    """Every rule over one audit's answers (and the property's gap pages), most important first."""
    rules = _Rules(answers, brand)
    recs = [*_per_query(rules, queries), *_citation_opportunities(rules), *_rank(rules)]
    recs += gap_pages(gaps, brand.name)
    if not recs:
        recs = _maintenance(rules)
    return sort_recommendations(recs)


class _Rules:
    """The facts of one audit and the brand, shared by every rule."""

    def __init__(self, answers: list[AnswerFact], brand: BrandContext) -> None:
        self.answers = answers
        self.brand = brand
        self.matcher = BrandMatcher(brand)
        self.place = brand.city or "your market"

    def rivals(self, items: list[AnswerFact], limit: int = 3) -> list[EntityFact]:
        seen: dict[str, EntityFact] = {}
        for a in items:
            for e in sorted(a.entities, key=lambda e: e.position):
                if self.matcher.is_brand_entity(e.name, e.domain) or e.name.lower() in seen:
                    continue
                seen[e.name.lower()] = e
        return sorted(seen.values(), key=lambda e: e.position)[:limit]


def _breakdown(items: list[AnswerFact]) -> dict[str, SurfaceResult]:
    return {
        a.surface: SurfaceResult(presence=a.presence, rank=a.llm_rank, sov=a.sov) for a in items
    }


def _per_query(rules: _Rules, queries: list[QueryFact]) -> list[Recommendation]:
    """Per question: where no surface names the brand, or where it is named low in the list."""
    by_query: dict[str, list[AnswerFact]] = {}
    for answer in rules.answers:
        by_query.setdefault(answer.query_id, []).append(answer)
    known = {q.query_id: q for q in queries}
    recs: list[Recommendation] = []
    for query_id, items in by_query.items():
        query = known.get(query_id)
        if query is None:
            continue
        if not any(a.presence for a in items):
            recs.append(
                _voice(query, items, rules.brand.name)
                if query.type == "voice_search"
                else _missing(rules, query, items)
            )
        elif (gap := _behind(rules, query, items)) is not None:
            recs.append(gap)
    return recs


def _voice(query: QueryFact, items: list[AnswerFact], name: str) -> Recommendation:
    surfaces = sorted({a.surface for a in items})
    return Recommendation(
        id=recommendation_id("voice", query.query_id),
        type="voice_search",
        priority="low",
        title=f'Answer the spoken question: "{query.text}"',
        description=f"Voice assistants built on {', '.join(surfaces)} do not name "
        f"{name} for this question.",
        keywords=[query.text.lower()],
        model_breakdown=_breakdown(items),
        affected_surfaces=surfaces,
        impact_score=55,
        impact_reason="Voice answers name one or two places only",
        action_items=[
            "Add an FAQ entry that answers this question in one or two sentences",
            "Mark the FAQ up with schema.org FAQPage",
            "Keep name, address and phone identical across listings",
        ],
        related_queries=[query],
    )


# A brand missing from a branded question is the worst miss: the renter asked for it by name.
_MISSING_PRIORITY: dict[str, Priority] = {"branded": "high", "category": "medium"}
_MISSING_IMPACT: dict[Priority, int] = {"high": 90, "medium": 70, "low": 50}


def _missing(rules: _Rules, query: QueryFact, items: list[AnswerFact]) -> Recommendation:
    surfaces = sorted({a.surface for a in items})
    priority = _MISSING_PRIORITY.get(query.type, "low")
    names = ", ".join(f"{e.name} ({e.domain})" if e.domain else e.name for e in rules.rivals(items))
    return Recommendation(
        id=recommendation_id("missing", query.query_id),
        type="missing_keyword",
        priority=priority,
        title=f'Not mentioned for "{query.text}"',
        description=f"{rules.brand.name} is absent from the answers of {', '.join(surfaces)}."
        + (f" Competitors appearing: {names}." if names else ""),
        keywords=[query.text.lower()],
        model_breakdown=_breakdown(items),
        affected_surfaces=surfaces,
        impact_score=_MISSING_IMPACT[priority],
        impact_reason=f"A {query.type} question where the brand is invisible",
        action_items=[
            f'Publish a page that answers "{query.text}" directly',
            "Use the question's words in headings and the first paragraph",
            f"Earn mentions on {rules.place} guides and listing sites the answers cite",
            "Re-run the audit after the page is indexed",
        ],
        related_queries=[query],
    )


def _behind(rules: _Rules, query: QueryFact, items: list[AnswerFact]) -> Recommendation | None:
    """Named, but after the top three on some surface."""
    behind = [a for a in items if a.presence and a.llm_rank is not None and a.llm_rank > 3]
    if not behind:
        return None
    worst = max(a.llm_rank or 0 for a in behind)
    top = rules.rivals(behind, 1)
    return Recommendation(
        id=recommendation_id("gap", query.query_id),
        type="content_gap",
        priority="medium" if worst <= 5 else "low",
        title=f'Ranked {worst} for "{query.text}"',
        description=f"{rules.brand.name} is named but behind "
        + (f"{top[0].name}: {top[0].rationale}" if top else "others"),
        keywords=[query.text.lower()],
        competitor_context={
            "name": top[0].name,
            "domain": top[0].domain,
            "position": top[0].position,
        }
        if top
        else None,
        model_breakdown=_breakdown(items),
        affected_surfaces=sorted({a.surface for a in behind}),
        impact_score=max(10, 60 - 5 * worst),
        impact_reason="Moving into the top three multiplies the chance of being picked",
        action_items=[
            "Compare your page with the top answer's reasons and close the gaps",
            "Add concrete facts (prices, distances, amenities) the models can quote",
        ],
        related_queries=[query],
    )


def _citation_opportunities(rules: _Rules) -> list[Recommendation]:
    """Third-party sources the answers cite often, none of them for the brand."""
    answers, domains = rules.answers, rules.matcher.domains
    entity_domains = {normalize_domain(e.domain) for a in answers for e in a.entities if e.domain}
    sources = Counter(
        d
        for a in answers
        for d in map(normalize_domain, a.citation_domains)
        if d and d not in entity_domains and not is_brand_domain(d, domains)
    )
    name = rules.brand.name
    return [
        Recommendation(
            id=recommendation_id("cite", domain),
            type="citation_opportunity",
            priority="medium",
            title=f"Get listed on {domain}",
            description=f"The answers cite {domain} {count} times, never for {name}.",
            keywords=[domain],
            impact_score=min(75, 40 + 5 * count),
            impact_reason="A source the models already trust for this market",
            action_items=[
                f"Claim or create the {name} page on {domain}",
                "Keep its facts identical to the official website",
            ],
        )
        for domain, count in sources.most_common(5)
        if count >= 3
    ]


def _rank(rules: _Rules) -> list[Recommendation]:
    """Named on average in places four to seven: close enough to reach the top three."""
    ranks = [a.llm_rank for a in rules.answers if a.presence and a.llm_rank is not None]
    if not ranks or not 3 < fmean(ranks) <= 7:
        return []
    name = rules.brand.name
    return [
        Recommendation(
            id=recommendation_id("rank", name),
            type="rank_improvement",
            priority="high",
            title=f"Average rank {fmean(ranks):.1f}: move into the top three",
            description=f"{name} is named but usually after three others.",
            impact_score=85,
            impact_reason="Top-three placement drives most of the score",
            action_items=[
                "Strengthen the pages behind your weakest questions first",
                "Collect reviews that mention your distinctive amenities",
            ],
        )
    ]


@dataclass(frozen=True)
class _Upkeep:
    """Advice for a brand with nothing to fix. Texts are `str.format` templates over `name`,
    `place` and `visible` (the share of answers that name the brand)."""

    key: str
    title: str
    impact_score: int
    description: str
    impact_reason: str
    action_items: tuple[str, ...]

    def recommendation(self, name: str, place: str, visible: float) -> Recommendation:
        facts = {"name": name, "place": place, "visible": visible}
        return Recommendation(
            id=recommendation_id(self.key, name),
            type="maintenance",
            priority="low",
            title=self.title,
            impact_score=self.impact_score,
            description=self.description.format(**facts),
            impact_reason=self.impact_reason,
            action_items=[item.format(**facts) for item in self.action_items],
        )


_EXCELLENT = _Upkeep(
    key="excellent",
    title="Excellent GEO performance",
    impact_score=40,
    description="{name} is named in {visible:.0%} of answers.",
    impact_reason="Keep what works",
    action_items=("Re-audit monthly",),
)
_EXPAND = _Upkeep(
    key="expand",
    title="Expand query coverage",
    impact_score=45,
    description="Add questions for new amenities, personas and neighbourhoods.",
    impact_reason="Visibility on today's panel is saturated",
    action_items=("Add five new questions to the panel",),
)
_AUTHORITY = _Upkeep(
    key="authority",
    title="Continue building authority",
    impact_score=50,
    description="Competitors keep appearing; stay ahead of them.",
    impact_reason="Authority decays without fresh mentions",
    action_items=(
        "Pitch stories to local {place} real estate publications",
        "Encourage residents to review the community",
    ),
)


def _maintenance(rules: _Rules) -> list[Recommendation]:
    """When nothing needs fixing: keep it up, widen the panel, keep ahead of rivals."""
    answers = rules.answers
    visible = fmean(1.0 if a.presence else 0.0 for a in answers) if answers else 0.0
    upkeep: list[_Upkeep] = [_EXCELLENT, _EXPAND] if visible >= 0.8 else []
    rivals = (e for a in answers for e in a.entities if e.domain)
    if any(not rules.matcher.is_brand_entity(e.name, e.domain) for e in rivals):
        upkeep.append(_AUTHORITY)
    return [u.recommendation(rules.brand.name, rules.place, visible) for u in upkeep]
