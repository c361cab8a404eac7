"""One answer being drafted: the entities it lists, where the brand is among them, its links.

A draft is drawn from one generator seeded by (seed, model, question, world, sample, mode), so
the same question always drafts the same answer. Some drafts carry traps for naive matchers:
the brand's operator as a separate entity on the shared domain, the brand's word inside another
name, the brand's words reordered, an upper-case `WWW.` domain, a brand link on a subdomain.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from llmsim.market import AGGREGATORS, SOURCES, World, market, slug

BRAND_VISIBILITY = {"openai": 0.5, "claude": 0.4}
NATURAL_DISCOUNT = 0.75  # unprompted, a model names the property less often
GENERIC = {"apartments", "apartment", "the", "at", "of", "by", "living", "homes", "residences"}


def _visibility(model: str) -> float:
    for family, value in BRAND_VISIBILITY.items():
        if family in model or (family == "openai" and model.startswith(("gpt", "o"))):
            return value
    return 0.45


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@dataclass
class Draft:
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


def start_draft(
    world: World, query: str, model: str, seed: int, sample: int, natural: bool
) -> Draft:
    rng = random.Random(f"{seed}|{model}|{query.lower()}|{world.name.lower()}|{sample}|{natural}")
    domain = world.domains[0].lower() if world.domains else (slug(world.name) + ".com")
    draft = Draft(world=world, query=query, rng=rng, domain=domain)
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


def _add_decoys(draft: Draft) -> tuple[str | None, list[str]]:
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


def place_brand(draft: Draft, model: str, natural: bool) -> None:
    world, rng, entities = draft.world, draft.rng, draft.entities
    brand, q = world.name, draft.query.lower()
    operator, distinctive = _add_decoys(draft)
    branded = bool(brand) and brand.lower() in q
    if branded and " vs " in q:
        # "X vs Y", or "X vs Y: ¿cuál es mejor?": the rival is what comes before any question.
        rival = re.split(r"[:?¿]", q.split(" vs ", 1)[1], maxsplit=1)[0].strip()
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


def _site_url(world: World, domain: str, rng: random.Random) -> str:
    page = rng.choice(("", "/floorplans", "/amenities", "/reviews"))
    if world.website and domain in world.website.lower():
        return world.website.rstrip("/") + page
    return f"https://www.{domain}/{slug(world.name)}{page}"


def draw_citations(draft: Draft, web_search: bool) -> tuple[list[dict[str, str]], list[bool]]:
    """The answer's links, and for each whether it is the brand's; a search cites at least one."""
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
