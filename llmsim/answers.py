"""What the simulated model answers, and the ground truth of that answer.

Every answer is a pure function of (seed, model, world, question, sample, mode), so a test can
recompute the truth of any answer the simulator served: whether the brand is in it, at which
position, and which links are the brand's. Some answers carry traps for naive matchers: the
brand's operator as a separate entity on the shared domain, the brand's word inside another
name, a brand link on a subdomain, an upper-case `WWW.` domain, the brand's words reordered.
"""

from __future__ import annotations

import random
import re
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


def simulate_answer(
    world: World,
    query: str,
    model: str,
    seed: int,
    *,
    sample: int = 0,
    natural: bool = False,
    web_search: bool = False,
) -> SimAnswer:
    rng = random.Random(f"{seed}|{model}|{query.lower()}|{world.name.lower()}|{sample}|{natural}")
    q = query.lower()
    brand = world.name
    brand_words = _words(brand)
    domain = world.domains[0].lower() if world.domains else (slug(brand) + ".com")
    label = domain.split(".")[0]
    # The property lives on a page of its operator's site (amli.com/…/amli-aero): the
    # operator is a different entity sharing the domain.
    shared_site = bool(re.search(r"://[^/]+/.+", world.website or ""))
    operator = next(
        (w for w in brand_words if w not in GENERIC and w in label and shared_site), None
    )
    distinctive = [w for w in brand_words if w not in GENERIC and w not in label]

    def not_brand(name: str) -> bool:
        return set(_words(name)) != set(brand_words)

    pool = [(n, d) for n, d in world.competitors if n and not_brand(n)]
    pool += [e for e in market(world.city or "Springfield", world.state, seed) if not_brand(e[0])]
    pool = list(dict.fromkeys(pool))
    rng.shuffle(pool)
    entities: list[tuple[str, str]] = pool[: rng.randint(4, 7)]
    if rng.random() < 0.5:
        entities.insert(rng.randint(1, len(entities)), rng.choice(AGGREGATORS))
    decoys: dict[str, str] = {}  # decoy name -> the URL it is cited with
    if operator and rng.random() < 0.25:
        name = f"{operator.upper() if brand.split()[0].isupper() else operator.title()} Residential"
        entities.insert(rng.randint(0, len(entities)), (name, domain))
        decoys[name] = f"https://www.{domain}/about-us"
    if distinctive and rng.random() < 0.25:
        name = f"{distinctive[0].title()}view Flats"
        entities.insert(rng.randint(0, len(entities)), (name, slug(name) + ".com"))

    branded = bool(brand) and brand.lower() in q
    if branded and " vs " in q:
        rival = q.split(" vs ", 1)[1].strip()
        named = next((e for e in pool if e[0].lower() == rival), None)
        if named in entities:
            entities.remove(named)
        entities.insert(0, named or (rival.title(), ""))
        brand_at: int | None = rng.choice((0, 1)) if rng.random() < 0.95 else None
    elif branded:
        brand_at = (0 if rng.random() < 0.8 else 1) if rng.random() < 0.92 else None
    else:
        chance = _visibility(model) * (NATURAL_DISCOUNT if natural else 1.0)
        brand_at = rng.randrange(len(entities) + 1) if brand and rng.random() < chance else None

    sentiment = "not_mentioned"
    brand_entity: tuple[str, str] | None = None
    if brand and brand_at is not None:
        shown_name = brand
        if len(distinctive) == 1 and operator and rng.random() < 0.15:
            shown_name = f"{distinctive[0].title()} by {brand.split()[0]}"
        shown_domain = f"WWW.{domain.upper()}" if rng.random() < 0.3 else domain
        brand_entity = (shown_name, shown_domain)
        entities.insert(brand_at, brand_entity)
        sentiment = rng.choices(("positive", "neutral", "negative"), (0.6, 0.25, 0.15))[0]

    ordered: list[dict[str, Any]] = []
    for i, (name, dom) in enumerate(entities):
        if (name, dom) == brand_entity:
            where = (
                " in Denver, CO"
                if rng.random() < 0.05
                else (f" in {world.city}, {world.state}" if world.city and world.state else "")
            )
            rationale = f"{name}{where}: {SENTIMENT_PHRASES[sentiment]}."
        else:
            rationale = (
                "A strong match for this search" + (f" in {world.city}" if world.city else "") + "."
            )
        ordered.append({"name": name, "domain": dom, "rationale": rationale, "position": i + 1})

    citations: list[dict[str, str]] = []
    brand_links: list[bool] = []
    n_cites = rng.choice((1, 2, 3, 3, 4, 5)) if web_search else rng.choice((0, 1, 2, 3, 3, 4, 5))
    linkable = [e for e in entities if e[1]]
    for _ in range(n_cites):
        roll = rng.random()
        if roll < 0.2 or not linkable:
            dom, ref, url, is_brand = (d := rng.choice(SOURCES)), "", "", False
            url = f"https://www.{d}/{slug(world.city or 'city')}/{slug(query)[:40]}"
        else:
            name, dom = rng.choice(linkable)
            ref = name
            is_brand = (name, dom) == brand_entity
            if is_brand:
                dom = domain
                url = _site_url(world, domain, rng)
                if rng.random() < 0.3:  # the property's page on a city subdomain
                    sub = f"{slug(world.city or 'local')}.{domain}"
                    url = url.replace(f"www.{domain}", sub).replace(f"//{domain}", f"//{sub}")
                    dom = sub
                if rng.random() < 0.3:
                    dom = f"WWW.{dom.upper()}"
            elif name in decoys:
                url = decoys[name]
            else:
                url = f"https://www.{dom.lower()}/{slug(world.city or 'city')}/{slug(name)}"
        if url not in {c["url"] for c in citations}:
            citations.append({"url": url, "domain": dom, "entity_ref": ref})
            brand_links.append(is_brand)

    if natural:
        # Prose shows links on their entity's line, in list order, then the other sources.
        order = {e["name"]: e["position"] for e in ordered}
        paired = sorted(
            zip(citations, brand_links, strict=True),
            key=lambda cb: order.get(cb[0]["entity_ref"], len(order) + 1),
        )
        citations = [c for c, _ in paired]
        brand_links = [b for _, b in paired]

    flags: list[str] = [] if citations else ["no_sources"]
    if rng.random() < 0.05:
        flags.append("outdated_info")
    top = ", ".join(e[0] for e in entities[:3])
    block = {
        "ordered_entities": ordered,
        "citations": citations,
        "answer_summary": f"Renters most often consider {top}.",
        "notes": {"flags": flags},
        "brand_sentiment": {
            "label": sentiment,
            "phrase": SENTIMENT_PHRASES.get(sentiment, ""),
        },
    }
    rank = brand_at + 1 if brand_at is not None else None
    link_rank = next((i + 1 for i, b in enumerate(brand_links) if b), None)
    truth = Truth(
        presence=rank is not None,
        rank=rank,
        link_rank=link_rank,
        brand_links=brand_links,
        sentiment=sentiment,
    )
    sources = [(c["url"], c["entity_ref"] or c["domain"]) for c in citations] if web_search else []
    return SimAnswer(block=block, truth=truth, sources=sources)
