"""Page-level source gaps: the exact pages the engines cite for competitors and never for the
property, so "get listed on yelp.com" becomes the page to get listed on.

A URL is read as written, normalised only by lower-casing its host and trimming one trailing
slash. A citation favours competitors when the answer does not name the property: the rival its
`entity_ref` names if it names one, else every rival the answer lists. A URL is a gap when some
citation of it favours a competitor and none of its citations is in an answer that names the
property, is cited for the property (`entity_ref`), or is the property's own link; pages on the
property's own domains are never gaps.

Gaps are ranked by the distinct (question, surface) pairs citing them, then by citations.
`rival_site` marks a page on a favoured rival's own site (not an aggregator's): evidence, but no
place to get listed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from geo.brand import BrandMatcher
from geo.domains import domain_of_url, is_brand_domain
from geo.rivals import AnswerRecord, Link, Rival, RivalMatcher


def normalise_url(url: str) -> str:
    """`HTTPS://WWW.Yelp.com/biz/x/` → `HTTPS://www.yelp.com/biz/x`: the host lower-cased and
    one trailing slash trimmed, nothing else touched."""
    text = url.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "", text
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    text = f"{scheme}{sep}{rest[:cut].lower()}{rest[cut:]}"
    return text[:-1] if text.endswith("/") else text


@dataclass(frozen=True)
class GapPage:
    url: str
    domain: str
    favoured: list[tuple[str, int]]  # (rival name, citations favouring it), most first
    questions: int
    surfaces: list[str]
    question_surfaces: int
    citations: int
    first_seen: datetime
    last_seen: datetime
    rival_site: bool


@dataclass
class _Tally:
    favoured: Counter[str] = field(default_factory=Counter)
    pairs: set[tuple[str, str]] = field(default_factory=set)
    citations: int = 0
    seen: list[datetime] = field(default_factory=list)


class _Reader:
    """The brand's and the rivals' matchers, and what each citation says about them."""

    def __init__(self, brand: BrandMatcher, rivals: Sequence[Rival]) -> None:
        self.brand = brand
        self.rivals = {r.key: (r, RivalMatcher(r)) for r in rivals}

    def names_property(self, rec: AnswerRecord) -> bool:
        return rec.presence or rec.brand_rank is not None

    def for_property(self, link: Link) -> bool:
        return (
            link.is_brand
            or (bool(link.entity_ref) and self.brand.is_brand_entity(link.entity_ref))
            or is_brand_domain(domain_of_url(link.url), self.brand.domains)
        )

    def listed(self, rec: AnswerRecord) -> list[str]:
        """The keys of the rivals the answer lists."""
        return [key for key, (_, m) in self.rivals.items() if m.rank_in(rec) is not None]

    def cited_for(self, link: Link) -> list[str]:
        """The keys of the rivals the citation's `entity_ref` names."""
        if not link.entity_ref:
            return []
        return [k for k, (_, m) in self.rivals.items() if m.is_brand_entity(link.entity_ref)]

    def name(self, key: str) -> str:
        return self.rivals[key][0].name

    def on_rival_site(self, url: str, keys: list[str]) -> bool:
        host = domain_of_url(url)
        return any(
            not rival.aggregator and rival.domain and is_brand_domain(host, [rival.domain])
            for rival, _ in (self.rivals[k] for k in keys)
        )


def source_gaps(
    records: Sequence[AnswerRecord], brand: BrandMatcher, rivals: Sequence[Rival]
) -> list[GapPage]:
    """The gap pages of `records` (a property's audits), best first."""
    reader = _Reader(brand, rivals)
    excluded: set[str] = set()
    tallies: dict[str, _Tally] = {}
    for rec in records:
        urls = {normalise_url(x.url): x for x in rec.links}
        if reader.names_property(rec):
            excluded.update(urls)
            continue
        listed = reader.listed(rec)
        for url, link in urls.items():
            if reader.for_property(link):
                excluded.add(url)
                continue
            keys = reader.cited_for(link) or listed
            if not keys:
                continue
            tally = tallies.setdefault(url, _Tally())
            tally.favoured.update(keys)
            tally.pairs.add((rec.question, rec.surface))
            tally.citations += 1
            tally.seen.append(rec.created_at)
    pages = [_page(url, t, reader) for url, t in tallies.items() if url not in excluded]
    return sorted(pages, key=lambda p: (-p.question_surfaces, -p.citations, p.url))


def _page(url: str, tally: _Tally, reader: _Reader) -> GapPage:
    keys = sorted(tally.favoured, key=lambda k: (-tally.favoured[k], reader.name(k), k))
    return GapPage(
        url=url,
        domain=domain_of_url(url),
        favoured=[(reader.name(k), tally.favoured[k]) for k in keys],
        questions=len({q for q, _ in tally.pairs}),
        surfaces=sorted({s for _, s in tally.pairs}),
        question_surfaces=len(tally.pairs),
        citations=tally.citations,
        first_seen=min(tally.seen),
        last_seen=max(tally.seen),
        rival_site=reader.on_rival_site(url, keys),
    )
