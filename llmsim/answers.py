"""What the simulated model answers, and the ground truth of that answer.

Every answer is a pure function of (seed, model, world, question, sample, mode, lies), so a test
can recompute the truth of any answer the simulator served: whether the brand is in it, at which
place in the list, and which links are the brand's. Some answers carry traps for naive matchers:
the brand's operator as a separate entity on the shared domain, the brand's word inside another
name, a brand link on a subdomain, an upper-case `WWW.` domain, the brand's words reordered.

`Lies` make the model misreport its own answer at a given rate: `position` numbers that
disagree with the list's order (the brand claiming first place), and citation `domain` fields
that disagree with the URL (a rival's link labelled with the brand's domain, the brand's link
labelled as someone else's). The truth never changes with them: it is what the list and the URLs
show.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from llmsim.market import AGGREGATORS, SOURCES, World, market, slug

BRAND_VISIBILITY = {"openai": 0.5, "claude": 0.4}
NATURAL_DISCOUNT = 0.75  # unprompted, a model names the property less often
GENERIC = {"apartments", "apartment", "the", "at", "of", "by", "living", "homes", "residences"}
SENTIMENT_PHRASES = {
    "positive": "residents praise its amenities and responsive management",
    "neutral": "it is a mid-sized community close to transit",
    "negative": "some reviews mention slow maintenance responses",
}


class Truth(BaseModel):
    presence: bool
    rank: int | None
    link_rank: int | None
    brand_links: list[bool] = Field(default_factory=list)
    sentiment: str = "not_mentioned"


class SimAnswer(BaseModel):
    block: dict[str, Any]
    truth: Truth
    sources: list[tuple[str, str]] = Field(default_factory=list)  # (url, title)


@dataclass(frozen=True)
class Lies:
    """How often the model misreports its own answer (0 = never, 1 = every time it can)."""

    position_rate: float = 0.0
    domain_rate: float = 0.0


NO_LIES = Lies()


def _visibility(model: str) -> float:
    for family, value in BRAND_VISIBILITY.items():
        if family in model or (family == "openai" and model.startswith(("gpt", "o"))):
            return value
    return 0.45


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _site_url(world: World, domain: str, rng: random.Random) -> str:
    page = rng.choice(("", "/floorplans", "/amenities", "/reviews"))
    if world.website and domain in world.website.lower():
        return world.website.rstrip("/") + page
    return f"https://www.{domain}/{slug(world.name)}{page}"


@dataclass
class _Draft:
    """One answer being written: its entities, the brand's among them, and its links."""

    world: World
    query: str
    rng: random.Random
    domain: str
    entities: list[tuple[str, str]] = field(default_factory=list)
    pool: list[tuple[str, str]] = field(default_factory=list)
    decoys: dict[str, str] = field(default_factory=dict)  # decoy name -> its cited URL
    brand_entity: tuple[str, str] | None = None
    sentiment: str = "not_mentioned"


def _draft(world: World, query: str, model: str, seed: int, sample: int, natural: bool) -> _Draft:
    rng = random.Random(f"{seed}|{model}|{query.lower()}|{world.name.lower()}|{sample}|{natural}")
    domain = world.domains[0].lower() if world.domains else (slug(world.name) + ".com")
    draft = _Draft(world=world, query=query, rng=rng, domain=domain)
    brand_words = _words(world.name)

    def not_brand(name: str) -> bool:
        return set(_words(name)) != set(brand_words)

    pool = [(n, d) for n, d in world.competitors if n and not_brand(n)]
    pool += [e for e in market(world.city or "Springfield", world.state, seed) if not_brand(e[0])]
    draft.pool = list(dict.fromkeys(pool))
    rng.shuffle(draft.pool)
    draft.entities = draft.pool[: rng.randint(4, 7)]
    if rng.random() < 0.5:
        draft.entities.insert(rng.randint(1, len(draft.entities)), rng.choice(AGGREGATORS))
    return draft


def _add_decoys(draft: _Draft) -> tuple[str | None, list[str]]:
    """The operator sharing the brand's domain, and a name holding the brand's word."""
    world, rng, domain, entities = draft.world, draft.rng, draft.domain, draft.entities
    brand_words = _words(world.name)
    label = domain.split(".")[0]
    # The property lives on a page of its operator's site (amli.com/…/amli-aero): the
    # operator is a different entity sharing the domain.
    shared_site = bool(re.search(r"://[^/]+/.+", world.website or ""))
    operator = next(
        (w for w in brand_words if w not in GENERIC and w in label and shared_site), None
    )
    distinctive = [w for w in brand_words if w not in GENERIC and w not in label]
    if operator and rng.random() < 0.25:
        first = world.name.split()[0]
        name = f"{operator.upper() if first.isupper() else operator.title()} Residential"
        entities.insert(rng.randint(0, len(entities)), (name, domain))
        draft.decoys[name] = f"https://www.{domain}/about-us"
    if distinctive and rng.random() < 0.25:
        name = f"{distinctive[0].title()}view Flats"
        entities.insert(rng.randint(0, len(entities)), (name, slug(name) + ".com"))
    return operator, distinctive


def _place_brand(draft: _Draft, model: str, natural: bool) -> None:
    world, rng, entities = draft.world, draft.rng, draft.entities
    brand, q = world.name, draft.query.lower()
    operator, distinctive = _add_decoys(draft)
    branded = bool(brand) and brand.lower() in q
    if branded and " vs " in q:
        rival = q.split(" vs ", 1)[1].strip()
        named = next((e for e in draft.pool if e[0].lower() == rival), None)
        if named in entities:
            entities.remove(named)
        entities.insert(0, named or (rival.title(), ""))
        brand_at: int | None = rng.choice((0, 1)) if rng.random() < 0.95 else None
    elif branded:
        brand_at = (0 if rng.random() < 0.8 else 1) if rng.random() < 0.92 else None
    else:
        chance = _visibility(model) * (NATURAL_DISCOUNT if natural else 1.0)
        brand_at = rng.randrange(len(entities) + 1) if brand and rng.random() < chance else None
    if not brand or brand_at is None:
        return
    shown_name = brand
    if len(distinctive) == 1 and operator and rng.random() < 0.15:
        shown_name = f"{distinctive[0].title()} by {brand.split()[0]}"
    shown_domain = f"WWW.{draft.domain.upper()}" if rng.random() < 0.3 else draft.domain
    draft.brand_entity = (shown_name, shown_domain)
    entities.insert(brand_at, draft.brand_entity)
    draft.sentiment = rng.choices(("positive", "neutral", "negative"), (0.6, 0.25, 0.15))[0]


def _ordered(draft: _Draft) -> list[dict[str, Any]]:
    world, rng = draft.world, draft.rng
    ordered: list[dict[str, Any]] = []
    for i, (name, dom) in enumerate(draft.entities):
        if (name, dom) == draft.brand_entity:
            where = (
                " in Denver, CO"
                if rng.random() < 0.05
                else (f" in {world.city}, {world.state}" if world.city and world.state else "")
            )
            rationale = f"{name}{where}: {SENTIMENT_PHRASES[draft.sentiment]}."
        else:
            rationale = (
                "A strong match for this search" + (f" in {world.city}" if world.city else "") + "."
            )
        ordered.append({"name": name, "domain": dom, "rationale": rationale, "position": i + 1})
    return ordered


def _citations(draft: _Draft, web_search: bool) -> tuple[list[dict[str, str]], list[bool]]:
    world, rng, domain = draft.world, draft.rng, draft.domain
    citations: list[dict[str, str]] = []
    brand_links: list[bool] = []
    n_cites = rng.choice((1, 2, 3, 3, 4, 5)) if web_search else rng.choice((0, 1, 2, 3, 3, 4, 5))
    linkable = [e for e in draft.entities if e[1]]
    for _ in range(n_cites):
        roll = rng.random()
        if roll < 0.2 or not linkable:
            dom, ref, is_brand = (d := rng.choice(SOURCES)), "", False
            url = f"https://www.{d}/{slug(world.city or 'city')}/{slug(draft.query)[:40]}"
        else:
            name, dom = rng.choice(linkable)
            ref = name
            is_brand = (name, dom) == draft.brand_entity
            if is_brand:
                dom = domain
                url = _site_url(world, domain, rng)
                if rng.random() < 0.3:  # the property's page on a city subdomain
                    sub = f"{slug(world.city or 'local')}.{domain}"
                    url = url.replace(f"www.{domain}", sub).replace(f"//{domain}", f"//{sub}")
                    dom = sub
                if rng.random() < 0.3:
                    dom = f"WWW.{dom.upper()}"
            elif name in draft.decoys:
                url = draft.decoys[name]
            else:
                url = f"https://www.{dom.lower()}/{slug(world.city or 'city')}/{slug(name)}"
        if url not in {c["url"] for c in citations}:
            citations.append({"url": url, "domain": dom, "entity_ref": ref})
            brand_links.append(is_brand)
    return citations, brand_links


def _tell_lies(
    ordered: list[dict[str, Any]],
    citations: list[dict[str, str]],
    brand_links: list[bool],
    draft: _Draft,
    lies: Lies,
    key: str,
) -> None:
    """Misreport, in place, what the answer itself shows; the truth is left alone."""
    rng = random.Random(f"lies|{key}")
    if ordered and rng.random() < lies.position_rate:
        claims = list(range(1, len(ordered) + 1))
        rng.shuffle(claims)
        for entity, claim in zip(ordered, claims, strict=True):
            entity["position"] = claim
        brand = next((e for e in ordered if (e["name"], e["domain"]) == draft.brand_entity), None)
        if brand is not None:  # self-promotion: the brand claims the first place
            first = next(e for e in ordered if e["position"] == 1)
            first["position"], brand["position"] = brand["position"], 1
    for cite, is_brand in zip(citations, brand_links, strict=True):
        if rng.random() < lies.domain_rate:
            cite["domain"] = rng.choice(AGGREGATORS)[1] if is_brand else draft.domain


def simulate_answer(
    world: World,
    query: str,
    model: str,
    seed: int,
    *,
    sample: int = 0,
    natural: bool = False,
    web_search: bool = False,
    lies: Lies = NO_LIES,
) -> SimAnswer:
    draft = _draft(world, query, model, seed, sample, natural)
    _place_brand(draft, model, natural)
    ordered = _ordered(draft)
    citations, brand_links = _citations(draft, web_search)
    if natural:
        # Prose shows links on their entity's line, in list order, then the other sources.
        order = {e["name"]: e["position"] for e in ordered}
        paired = sorted(
            zip(citations, brand_links, strict=True),
            key=lambda cb: order.get(cb[0]["entity_ref"], len(order) + 1),
        )
        citations = [c for c, _ in paired]
        brand_links = [b for _, b in paired]
    key = f"{seed}|{model}|{query.lower()}|{world.name.lower()}|{sample}|{natural}"
    _tell_lies(ordered, citations, brand_links, draft, lies, key)

    rng = draft.rng
    flags: list[str] = [] if citations else ["no_sources"]
    if rng.random() < 0.05:
        flags.append("outdated_info")
    top = ", ".join(e[0] for e in draft.entities[:3])
    block = {
        "ordered_entities": ordered,
        "citations": citations,
        "answer_summary": f"Renters most often consider {top}.",
        "notes": {"flags": flags},
        "brand_sentiment": {
            "label": draft.sentiment,
            "phrase": SENTIMENT_PHRASES.get(draft.sentiment, ""),
        },
    }
    brand_at = draft.entities.index(draft.brand_entity) if draft.brand_entity else None
    truth = Truth(
        presence=brand_at is not None,
        rank=brand_at + 1 if brand_at is not None else None,
        link_rank=next((i + 1 for i, b in enumerate(brand_links) if b), None),
        brand_links=brand_links,
        sentiment=draft.sentiment,
    )
    sources = [(c["url"], c["entity_ref"] or c["domain"]) for c in citations] if web_search else []
    return SimAnswer(block=block, truth=truth, sources=sources)
