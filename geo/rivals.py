"""Competitors over time: each rival's mentions, visibility, rank and share of voice per audit
and surface, beside the property's own figures, and where a rival overtook the property.

Per (audit, surface, rival), over the surface's answers with status ok:
- `answers`: how many there are;
- `mentions`: answers whose list of places names the rival, matched by name and by domain the
  way the brand is (`BrandMatcher`, built for the rival);
- `visibility` = mentions / answers × 100;
- `avg_rank`: the mean 1-based place of the rival's first entry in the answers that name it;
- `sov`: per answer with citations, the rival's citations (URL host on its domain) over all the
  answer's citations, averaged over those answers: the property's own `avg_sov`, so the two
  compare. None for a rival without a domain, and where no answer cites anything.

The property's reference row takes the scorer's stored verdicts (`llm_rank`, `sov`): the same
rules in structured mode; in natural mode the prose a renter read must also bear it out.

A rival beats the property on a surface when its visibility is higher, or equal with a better
(lower) average rank; it overtakes the property when it beats it in an audit and did not in the
audit before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean

from geo.brand import BrandMatcher
from geo.domains import is_brand_domain, normalize_domain
from geo.profile import BrandContext, Competitor

# Listing sites and marketplaces: named among the places an answer recommends, but somewhere a
# property gets listed rather than a community it competes with.
AGGREGATOR_DOMAINS = tuple(
    "apartments.com zillow.com apartmentlist.com rent.com hotpads.com trulia.com realtor.com "
    "redfin.com zumper.com rentcafe.com apartmentguide.com forrent.com padmapper.com "
    "apartmentfinder.com rentals.com craigslist.org streeteasy.com homes.com".split()
)
# A rival named after its site ("Apartments.com") must not match every "….com" by that word.
TLD_WORDS = frozenset({"com", "net", "org", "co", "io", "us"})
DISCOVERED = 5
PROPERTY_KEY = "property"


def is_aggregator(domain: str | None) -> bool:
    return is_brand_domain(domain, list(AGGREGATOR_DOMAINS))


@dataclass(frozen=True)
class Link:
    """One citation a reader saw: its URL, who the answer cited it for, the scorer's verdict."""

    url: str
    entity_ref: str = ""
    is_brand: bool = False


@dataclass(frozen=True)
class AnswerRecord:
    """One ok answer as the rival figures read it."""

    audit_id: str
    surface: str
    question: str  # the query's id, or its text once the query was deleted
    created_at: datetime
    entities: tuple[tuple[str, str], ...]  # (name, domain) in list order
    links: tuple[Link, ...] = ()
    presence: bool = False
    brand_rank: int | None = None
    brand_sov: float | None = None


@dataclass(frozen=True)
class Rival:
    """A competitor: one of the profile's (`listed`) or among the most named of the latest
    audit. `key` is its domain, or `name:<name>` without one of its own."""

    key: str
    name: str
    domain: str = ""
    listed: bool = True
    aggregator: bool = False


def rival_key(name: str, domain: str) -> str:
    return normalize_domain(domain) or f"name:{name.strip().lower()}"


def listed_rivals(competitors: Sequence[Competitor]) -> list[Rival]:
    """The profile's competitors; two sharing an operator's domain are told apart by name."""
    shared = Counter(normalize_domain(c.domain) for c in competitors)
    out: dict[str, Rival] = {}
    for c in competitors:
        domain = normalize_domain(c.domain)
        key = rival_key(c.name, domain if shared[domain] == 1 else "")
        out.setdefault(key, Rival(key, c.name.strip(), domain, True, is_aggregator(domain)))
    return list(out.values())


class RivalMatcher(BrandMatcher):
    """The brand's matcher, built for a rival: its name's site suffix ('.com') is no word of it."""

    def __init__(self, rival: Rival) -> None:
        super().__init__(
            BrandContext(name=rival.name, domains=[rival.domain] if rival.domain else [])
        )
        self.significant = [t for t in self.significant if t not in TLD_WORDS]

    def rank_in(self, record: AnswerRecord) -> int | None:
        found = (i for i, (n, d) in enumerate(record.entities, 1) if self.is_brand_entity(n, d))
        return next(found, None)

    def cites(self, url: str) -> bool:
        return bool(self.domains) and self.url_is_brand(url)


@dataclass(frozen=True)
class Figures:
    mentions: int
    answers: int
    visibility: float
    avg_rank: float | None
    sov: float | None


def _figures(ranks: list[int], shares: list[float], answers: int) -> Figures:
    return Figures(
        mentions=len(ranks),
        answers=answers,
        visibility=round(100 * len(ranks) / answers, 2) if answers else 0.0,
        avg_rank=round(fmean(ranks), 2) if ranks else None,
        sov=round(fmean(shares), 4) if shares else None,
    )


def rival_figures(records: Sequence[AnswerRecord], matcher: RivalMatcher) -> Figures:
    ranks = [r for rec in records if (r := matcher.rank_in(rec)) is not None]
    shares = (
        [
            sum(matcher.cites(x.url) for x in rec.links) / len(rec.links)
            for rec in records
            if rec.links
        ]
        if matcher.domains
        else []
    )
    return _figures(ranks, shares, len(records))


def property_figures(records: Sequence[AnswerRecord]) -> Figures:
    ranks = [rec.brand_rank for rec in records if rec.brand_rank is not None]
    shares = [rec.brand_sov for rec in records if rec.brand_sov is not None]
    return _figures(ranks, shares, len(records))


def beats(rival: Figures, prop: Figures) -> bool:
    """Higher visibility, or the same with a better average rank."""
    if rival.visibility != prop.visibility:
        return rival.visibility > prop.visibility
    if rival.avg_rank is None:
        return False
    return prop.avg_rank is None or rival.avg_rank < prop.avg_rank


@dataclass
class _Seen:
    names: Counter[str] = field(default_factory=Counter)
    ranks: list[int] = field(default_factory=list)


def discover(
    records: Sequence[AnswerRecord],
    brand: BrandMatcher,
    listed: Sequence[Rival],
    limit: int = DISCOVERED,
) -> list[Rival]:
    """The most named other places of `records` (the latest audit), not the brand and not a
    listed rival: most answers naming it first, then the better average rank, then the key."""
    matchers = [RivalMatcher(r) for r in listed]
    seen: dict[str, _Seen] = {}
    for rec in records:
        named: dict[str, int] = {}
        for position, (name, domain) in enumerate(rec.entities, start=1):
            if brand.is_brand_entity(name, domain):
                continue
            if any(m.is_brand_entity(name, domain) for m in matchers):
                continue
            key = rival_key(name, domain)
            named.setdefault(key, position)
            seen.setdefault(key, _Seen()).names[name.strip()] += 1
        for key, position in named.items():
            seen[key].ranks.append(position)
    ranked = sorted(seen.items(), key=lambda kv: (-len(kv[1].ranks), fmean(kv[1].ranks), kv[0]))
    return [
        Rival(
            key=key,
            name=s.names.most_common(1)[0][0],
            domain="" if key.startswith("name:") else key,
            listed=False,
            aggregator=is_aggregator("" if key.startswith("name:") else key),
        )
        for key, s in ranked[:limit]
    ]


def competitor_set(
    competitors: Sequence[Competitor],
    records: Sequence[AnswerRecord],
    latest_audit: str | None,
    brand: BrandMatcher,
) -> list[Rival]:
    """The profile's competitors, then the most named other places of the latest audit."""
    listed = listed_rivals(competitors)
    latest = [r for r in records if r.audit_id == latest_audit]
    return [*listed, *discover(latest, brand, listed)]


@dataclass(frozen=True)
class Point:
    audit_id: str
    figures: Figures


# Per rival key (and PROPERTY_KEY), per surface: the points oldest → newest.
Table = dict[str, dict[str, list[Point]]]


def table(records: Sequence[AnswerRecord], rivals: Sequence[Rival], audits: Sequence[str]) -> Table:
    """Every rival's and the property's figures per surface over `audits` (oldest first); a
    surface an audit did not answer on has no point for that audit."""
    groups: dict[tuple[str, str], list[AnswerRecord]] = {}
    for rec in records:
        groups.setdefault((rec.audit_id, rec.surface), []).append(rec)
    surfaces = sorted({s for _, s in groups})
    out: Table = {PROPERTY_KEY: {}}
    matchers = {r.key: RivalMatcher(r) for r in rivals}
    for key in matchers:
        out[key] = {}
    for surface in surfaces:
        for audit_id in audits:
            group = groups.get((audit_id, surface))
            if group is None:
                continue
            out[PROPERTY_KEY].setdefault(surface, []).append(
                Point(audit_id, property_figures(group))
            )
            for key, matcher in matchers.items():
                out[key].setdefault(surface, []).append(
                    Point(audit_id, rival_figures(group, matcher))
                )
    return out
