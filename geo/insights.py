"""Cross-model insights over one batch: agreement, leaderboards, share of voice. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from statistics import fmean

from pydantic import BaseModel, Field

from geo.brand import BrandMatcher
from geo.domains import is_brand_domain, normalize_domain
from geo.overtaking import Overtake
from geo.profile import BrandContext


class EntityFact(BaseModel):
    name: str
    domain: str = ""
    position: int


class AnswerFacts(BaseModel):
    query_id: str
    query_text: str = ""
    query_type: str = ""
    presence: bool
    llm_rank: int | None = None
    entities: list[EntityFact] = Field(default_factory=list)
    citation_domains: list[str] = Field(default_factory=list)
    # The scorer's verdict per citation (aligned with citation_domains); None: judge by domain.
    brand_citations: list[bool] | None = None


class CompetitorStat(BaseModel):
    key: str
    name: str
    domain: str
    mentions: int
    avg_rank: float
    citations: int
    surfaces: list[str]


class DomainStat(BaseModel):
    domain: str
    citations: int
    is_brand_domain: bool


class PairComparison(BaseModel):
    surfaces: tuple[str, str]
    presence_agreement_pct: float
    score_difference: float | None = None
    visibility_difference: float | None = None
    higher: str | None = None


class SurfaceFacts(BaseModel):
    """One surface's run in the batch, as the analysis sees it."""

    surface: str
    status: str
    overall_score: float | None = None
    visibility_pct: float | None = None
    answers: list[AnswerFacts] = Field(default_factory=list)


class QueryAgreement(BaseModel):
    query_id: str
    query_text: str
    presence: dict[str, bool]
    rank: dict[str, int | None]
    agree: bool


class CrossModel(BaseModel):
    surfaces: list[str]
    complete: bool = True
    missing_surfaces: list[str] = Field(default_factory=list)
    scores: dict[str, float | None] = Field(default_factory=dict)
    visibility: dict[str, float | None] = Field(default_factory=dict)
    queries: list[QueryAgreement] = Field(default_factory=list)
    agreement_rate: float | None
    pairs: list[PairComparison]
    consensus_entities: list[str]
    divergent_entities: dict[str, list[str]]
    competitors: list[CompetitorStat]
    cited_domains: list[DomainStat]
    brand_sov_pct: float | None
    # The profile's competitors that overtook the property on a surface since the audit before
    # (geo.overtaking), stored with the analysis so the portfolio and the digest read them for free;
    # None where they were never worked out (a running batch, an analysis stored before them).
    overtaken: list[Overtake] | None = None


def _presence_by_query(answers: list[AnswerFacts]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for a in answers:
        out[a.query_id] = out.get(a.query_id, False) or a.presence
    return out


def _agreement(maps: list[dict[str, bool]]) -> float | None:
    queries = set().union(*maps) if maps else set()
    if len(maps) < 2 or not queries:
        return None
    same = sum(1 for q in queries if len({m.get(q, False) for m in maps}) == 1)
    return round(100 * same / len(queries), 2)


def cross_model(by_surface: dict[str, list[AnswerFacts]], brand: BrandContext) -> CrossModel:
    """Agreement, consensus and leaderboards; the brand is recognised by the scorer's matcher,
    so "Aero by AMLI" or a page on a brand subdomain is never its own competitor."""
    matcher = BrandMatcher(brand)
    surfaces = sorted(by_surface)
    presence = {s: _presence_by_query(by_surface[s]) for s in surfaces}
    pairs = [
        PairComparison(
            surfaces=(a, b), presence_agreement_pct=_agreement([presence[a], presence[b]]) or 0.0
        )
        for a, b in combinations(surfaces, 2)
    ]
    names = {s: _rival_names(by_surface[s], matcher) for s in surfaces}
    consensus = sorted(set.intersection(*names.values())) if len(names) >= 2 else []
    divergent = _divergent(names) if len(names) >= 2 else {}
    tally = _Tally(matcher)
    for s in surfaces:
        for answer in by_surface[s]:
            tally.add(s, answer)
    total = sum(tally.cite_count.values())
    return CrossModel(
        surfaces=surfaces,
        agreement_rate=_agreement([presence[s] for s in surfaces]),
        pairs=pairs,
        consensus_entities=consensus[:50],
        divergent_entities={s: v[:50] for s, v in divergent.items()},
        competitors=tally.competitors()[:25],
        cited_domains=tally.domains()[:25],
        brand_sov_pct=round(100 * tally.brand_cites / total, 2) if total else None,
    )


def _rival_names(answers: list[AnswerFacts], matcher: BrandMatcher) -> set[str]:
    return {
        e.name.strip().lower()
        for a in answers
        for e in a.entities
        if not matcher.is_brand_entity(e.name, e.domain)
    }


def _divergent(names: dict[str, set[str]]) -> dict[str, list[str]]:
    """The rivals each surface names and no other does."""
    return {
        s: sorted(own - set().union(*(other for o, other in names.items() if o != s)))
        for s, own in names.items()
    }


@dataclass
class _Rival:
    name: str
    domain: str
    ranks: list[int] = field(default_factory=list)
    surfaces: set[str] = field(default_factory=set)


class _Tally:
    """Mentions of rivals and citations of domains over a batch's answers."""

    def __init__(self, matcher: BrandMatcher) -> None:
        self.matcher = matcher
        self.rivals: dict[str, _Rival] = {}
        self.cite_count: dict[str, int] = {}
        self.brand_cites = 0

    def add(self, surface: str, answer: AnswerFacts) -> None:
        verdicts = answer.brand_citations or [
            is_brand_domain(d, self.matcher.domains) for d in answer.citation_domains
        ]
        self.brand_cites += sum(verdicts)
        for d in answer.citation_domains:
            nd = normalize_domain(d)
            if nd:
                self.cite_count[nd] = self.cite_count.get(nd, 0) + 1
        for e in answer.entities:
            domain = normalize_domain(e.domain)
            if self.matcher.is_brand_entity(e.name, domain):
                continue
            # A rival is its domain; one without a domain is its name.
            key = domain or f"name:{e.name.strip().lower()}"
            rival = self.rivals.setdefault(key, _Rival(name=e.name, domain=domain))
            rival.ranks.append(e.position)
            rival.surfaces.add(surface)

    def competitors(self) -> list[CompetitorStat]:
        """Most mentioned first, then the better average rank."""
        stats = (
            CompetitorStat(
                key=key,
                name=r.name,
                domain=r.domain,
                mentions=len(r.ranks),
                avg_rank=round(fmean(r.ranks), 2),
                citations=self.cite_count.get(r.domain, 0) if r.domain else 0,
                surfaces=sorted(r.surfaces),
            )
            for key, r in self.rivals.items()
        )
        return sorted(stats, key=lambda c: (-c.mentions, c.avg_rank, c.key))

    def domains(self) -> list[DomainStat]:
        """The brand's own domains first, then the most cited."""
        stats = (
            DomainStat(
                domain=d, citations=n, is_brand_domain=is_brand_domain(d, self.matcher.domains)
            )
            for d, n in self.cite_count.items()
        )
        return sorted(stats, key=lambda d: (not d.is_brand_domain, -d.citations, d.domain))


def analyze_batch(runs: list[SurfaceFacts], brand: BrandContext) -> CrossModel:
    """The cross-model analysis of one batch; surfaces that failed or were cancelled are left
    out and named, so a partial batch gives a partial analysis rather than an error."""
    usable = [r for r in runs if r.answers]
    analysis = cross_model({r.surface: r.answers for r in usable}, brand)
    scores = {r.surface: r.overall_score for r in usable}
    visibility = {r.surface: r.visibility_pct for r in usable}
    for pair in analysis.pairs:
        a, b = pair.surfaces
        if scores.get(a) is not None and scores.get(b) is not None:
            pair.score_difference = round(abs((scores[a] or 0) - (scores[b] or 0)), 2)
            pair.higher = a if (scores[a] or 0) >= (scores[b] or 0) else b
        if visibility.get(a) is not None and visibility.get(b) is not None:
            pair.visibility_difference = round(abs((visibility[a] or 0) - (visibility[b] or 0)), 2)
    texts: dict[str, str] = {}
    presence: dict[str, dict[str, bool]] = {}
    ranks: dict[str, dict[str, int | None]] = {}
    for run in usable:
        for answer in run.answers:
            texts.setdefault(answer.query_id, answer.query_text)
            was = presence.setdefault(answer.query_id, {}).get(run.surface, False)
            presence[answer.query_id][run.surface] = was or answer.presence
            ranks.setdefault(answer.query_id, {}).setdefault(run.surface, answer.llm_rank)
    queries = [
        QueryAgreement(
            query_id=q,
            query_text=texts[q],
            presence={s.surface: presence[q].get(s.surface, False) for s in usable},
            rank={s.surface: ranks[q].get(s.surface) for s in usable},
            agree=len({presence[q].get(s.surface, False) for s in usable}) == 1,
        )
        for q in texts
    ]
    return analysis.model_copy(
        update={
            "complete": len(usable) == len(runs) and all(r.status == "completed" for r in runs),
            "missing_surfaces": sorted(r.surface for r in runs if r not in usable),
            "scores": scores,
            "visibility": visibility,
            "queries": queries,
        }
    )
