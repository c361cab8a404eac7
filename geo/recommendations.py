"""The rule engine: concrete, prioritised recommendations from one audit's answers.

The seed's rules (seed-system.md §7.3), with its bugs fixed: voice-search advice fires for the
voice questions the panel actually has, citation opportunities are counted from citations (third-
party sources where the brand is missing), nothing names a city or a property of its own, and the
brand is told apart from its rivals by the scorer's own matcher. The batch summary's action items,
written by a model, join the list marked with the surface that wrote them.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from statistics import fmean
from typing import Literal

from pydantic import BaseModel, Field

from geo.brand import BrandMatcher
from geo.domains import is_brand_domain, normalize_domain
from geo.profile import BrandContext
from geo.summary import BatchSummary

Priority = Literal["high", "medium", "low"]
PRIORITY_ORDER = {"high": 3, "medium": 2, "low": 1}


class EntityFact(BaseModel):
    name: str
    domain: str = ""
    position: int
    rationale: str = ""


class QueryFact(BaseModel):
    query_id: str
    text: str
    type: str


class AnswerFact(BaseModel):
    surface: str
    query_id: str
    presence: bool
    llm_rank: int | None = None
    sov: float | None = None
    entities: list[EntityFact] = Field(default_factory=list)
    citation_domains: list[str] = Field(default_factory=list)


class SurfaceResult(BaseModel):
    presence: bool
    rank: int | None
    sov: float | None


class Recommendation(BaseModel):
    id: str
    type: str
    priority: Priority
    title: str
    description: str
    keywords: list[str] = Field(default_factory=list)
    competitor_context: dict[str, object] | None = None
    model_breakdown: dict[str, SurfaceResult] = Field(default_factory=dict)
    affected_surfaces: list[str] = Field(default_factory=list)
    impact_score: int
    impact_reason: str
    action_items: list[str] = Field(default_factory=list)
    related_queries: list[QueryFact] = Field(default_factory=list)
    source: Literal["rules", "llm"] = "rules"
    written_by: str | None = Field(
        default=None, description="the surface whose model wrote it (source 'llm')"
    )


def _id(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


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


def _voice(query: QueryFact, items: list[AnswerFact], name: str) -> Recommendation:
    surfaces = sorted({a.surface for a in items})
    return Recommendation(
        id=_id("voice", query.query_id),
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


def _missing(rules: _Rules, query: QueryFact, items: list[AnswerFact]) -> Recommendation:
    surfaces = sorted({a.surface for a in items})
    priority: Priority = {"branded": "high", "category": "medium"}.get(query.type, "low")  # type: ignore[assignment]
    names = ", ".join(f"{e.name} ({e.domain})" if e.domain else e.name for e in rules.rivals(items))
    return Recommendation(
        id=_id("missing", query.query_id),
        type="missing_keyword",
        priority=priority,
        title=f'Not mentioned for "{query.text}"',
        description=f"{rules.brand.name} is absent from the answers of {', '.join(surfaces)}."
        + (f" Competitors appearing: {names}." if names else ""),
        keywords=[query.text.lower()],
        model_breakdown=_breakdown(items),
        affected_surfaces=surfaces,
        impact_score={"high": 90, "medium": 70, "low": 50}[priority],
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
    behind = [a for a in items if a.presence and a.llm_rank is not None and a.llm_rank > 3]
    if not behind:
        return None
    worst = max(a.llm_rank or 0 for a in behind)
    top = rules.rivals(behind, 1)
    return Recommendation(
        id=_id("gap", query.query_id),
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


def _per_query(rules: _Rules, queries: list[QueryFact]) -> list[Recommendation]:
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
            id=_id("cite", domain),
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
    ranks = [a.llm_rank for a in rules.answers if a.presence and a.llm_rank is not None]
    if not ranks or not 3 < fmean(ranks) <= 7:
        return []
    name = rules.brand.name
    return [
        Recommendation(
            id=_id("rank", name),
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


def _maintenance(rules: _Rules) -> list[Recommendation]:
    """When nothing needs fixing: keep it up, widen the panel, keep ahead of rivals."""
    answers, name = rules.answers, rules.brand.name
    recs: list[Recommendation] = []
    visible = fmean(1.0 if a.presence else 0.0 for a in answers) if answers else 0.0
    if visible >= 0.8:
        recs.append(
            Recommendation(
                id=_id("excellent", name),
                type="maintenance",
                priority="low",
                title="Excellent GEO performance",
                impact_score=40,
                description=f"{name} is named in {visible:.0%} of answers.",
                impact_reason="Keep what works",
                action_items=["Re-audit monthly"],
            )
        )
        recs.append(
            Recommendation(
                id=_id("expand", name),
                type="maintenance",
                priority="low",
                title="Expand query coverage",
                impact_score=45,
                description="Add questions for new amenities, personas and neighbourhoods.",
                impact_reason="Visibility on today's panel is saturated",
                action_items=["Add five new questions to the panel"],
            )
        )
    rivals = (e for a in answers for e in a.entities if e.domain)
    if any(not rules.matcher.is_brand_entity(e.name, e.domain) for e in rivals):
        recs.append(
            Recommendation(
                id=_id("authority", name),
                type="maintenance",
                priority="low",
                title="Continue building authority",
                impact_score=50,
                description="Competitors keep appearing; stay ahead of them.",
                impact_reason="Authority decays without fresh mentions",
                action_items=[
                    f"Pitch stories to local {rules.place} real estate publications",
                    "Encourage residents to review the community",
                ],
            )
        )
    return recs


def recommend(
    queries: list[QueryFact], answers: list[AnswerFact], *, brand: BrandContext
) -> list[Recommendation]:
    """Every rule over one audit's answers, most important first."""
    rules = _Rules(answers, brand)
    recs = [*_per_query(rules, queries), *_citation_opportunities(rules), *_rank(rules)]
    if not recs:
        recs = _maintenance(rules)
    return sort_recommendations(recs)


IMPACT_SCORE = {"high": 80, "medium": 60, "low": 40}


def from_summary(summary: BatchSummary | None) -> list[Recommendation]:
    """The action items a model wrote in the batch summary, marked with the surface that wrote
    them (the rule-based summary's items come from the rules above and are not repeated)."""
    if summary is None or summary.source != "llm":
        return []
    writer = summary.usage.surface if summary.usage else None
    return [
        Recommendation(
            id=_id("llm", writer or "", item.action),
            type="action_item",
            priority="high" if item.priority <= 1 else "medium" if item.priority == 2 else "low",
            title=item.action,
            description=f"Action item written by {writer or 'a model'} from this audit's analysis "
            f"(effort {item.effort}, impact {item.impact}).",
            impact_score=IMPACT_SCORE[item.impact],
            impact_reason=f"Judged {item.impact} impact by {writer or 'the model'}",
            source="llm",
            written_by=writer,
        )
        for item in summary.action_items
    ]


def sort_recommendations(recs: list[Recommendation]) -> list[Recommendation]:
    return sorted(recs, key=lambda r: (-PRIORITY_ORDER[r.priority], -r.impact_score, r.id))
