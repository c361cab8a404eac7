"""A deterministic rental market per city, and the answers a model 'would' give about it.

Every answer is a pure function of (seed, model, query, brand facts), so a test can compute the
ground truth of any answer the simulator served and check the stored scores against it.
"""

from __future__ import annotations

import random
import re
from typing import Any

from pydantic import BaseModel, Field

FIRST = (
    "Alta",
    "Vista",
    "Parkline",
    "Harbor",
    "Elan",
    "Modera",
    "Broadstone",
    "Sola",
    "Cielo",
    "Ascent",
    "Canyon",
    "Juniper",
    "Meridian",
    "Solana",
    "Crescent",
    "Linden",
    "Avana",
    "Summit",
    "Westbrook",
    "Lumen",
    "Oakmont",
    "Bayside",
    "Sterling",
    "Aspen",
)
SECOND = (
    "Heights",
    "Commons",
    "Flats",
    "Terrace",
    "Residences",
    "Place",
    "Park",
    "Point",
    "Lofts",
    "Crossing",
    "Village",
    "Square",
    "Gardens",
    "House",
    "Row",
    "Landing",
)
AGGREGATORS = (
    ("Apartments.com", "apartments.com"),
    ("Zillow Rentals", "zillow.com"),
    ("Apartment List", "apartmentlist.com"),
    ("Rent.com", "rent.com"),
    ("HotPads", "hotpads.com"),
)
SOURCES = ("yelp.com", "reddit.com", "google.com", "niche.com")
BRAND_VISIBILITY = {"openai": 0.5, "claude": 0.4}


class PromptFacts(BaseModel):
    """What the simulator reads back out of a structured audit prompt."""

    query: str = ""
    brand: str = ""
    city: str = ""
    state: str = ""
    brand_domains: list[str] = Field(default_factory=list)
    competitors: list[tuple[str, str]] = Field(default_factory=list)


def _line(text: str, label: str) -> str:
    match = re.search(rf"^{re.escape(label)}:\s*(.*)$", text, re.MULTILINE)
    value = match.group(1).strip() if match else ""
    return "" if value == "—" else value


def parse_prompt(text: str) -> PromptFacts:
    location = _line(text, "Location")
    city, _, state = location.partition(",")
    competitors: list[tuple[str, str]] = []
    for item in filter(None, (c.strip() for c in _line(text, "Competitors").split(","))):
        m = re.match(r"^(.*?)\s*\(([^)]*)\)$", item)
        competitors.append((m.group(1), m.group(2)) if m else (item, ""))
    return PromptFacts(
        query=_line(text, "Query") or text.strip()[:300],
        brand=_line(text, "Name"),
        city=city.strip(),
        state=state.strip(),
        brand_domains=[d.strip() for d in _line(text, "Brand domains").split(",") if d.strip()],
        competitors=competitors,
    )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


def market(city: str, state: str, seed: int, size: int = 12) -> list[tuple[str, str]]:
    """The city's properties as (name, domain), the same for the same city and seed."""
    rng = random.Random(f"{seed}|market|{city.lower()}|{state.lower()}")
    names: list[str] = []
    while len(names) < size:
        name = f"{rng.choice(FIRST)} {rng.choice(SECOND)}"
        if name not in names:
            names.append(name)
    suffixes = ("apts.com", "living.com", "apartments.com", "homes.com")
    return [(n, _slug(n) + rng.choice(suffixes)) for n in names]


def _visibility(model: str) -> float:
    for family, value in BRAND_VISIBILITY.items():
        if family in model or (family == "openai" and model.startswith(("gpt", "o"))):
            return value
    return 0.45


def structured_answer(facts: PromptFacts, model: str, seed: int) -> dict[str, Any]:
    """The AnswerBlock the simulated model returns for this prompt."""
    rng = random.Random(f"{seed}|{model}|{facts.query.lower()}|{facts.brand.lower()}")
    query = facts.query.lower()
    brand = facts.brand
    brand_domain = facts.brand_domains[0] if facts.brand_domains else (_slug(brand) + ".com")
    pool: list[tuple[str, str]] = [
        (n, d) for n, d in facts.competitors if n and n.lower() != brand.lower()
    ]
    pool += market(facts.city or "Springfield", facts.state, seed)
    pool = list(dict.fromkeys(pool))
    rng.shuffle(pool)
    count = rng.randint(4, 7)
    entities = pool[:count]
    if rng.random() < 0.5:
        entities.insert(rng.randint(1, len(entities)), rng.choice(AGGREGATORS))

    branded = bool(brand) and brand.lower() in query
    if branded and " vs " in query:
        rival = query.split(" vs ", 1)[1].strip()
        named = next((e for e in pool if e[0].lower() == rival), None)
        if named and named in entities:
            entities.remove(named)
        entities.insert(0, named or (rival.title(), ""))
        brand_at: int | None = rng.choice((0, 1)) if rng.random() < 0.95 else None
    elif branded:
        brand_at = (0 if rng.random() < 0.8 else 1) if rng.random() < 0.92 else None
    else:
        brand_at = rng.randrange(len(entities) + 1) if rng.random() < _visibility(model) else None
    if brand and brand_at is not None:
        entities.insert(brand_at, (brand, brand_domain))

    ordered = [
        {
            "name": name,
            "domain": domain,
            "rationale": f"{name} is a strong match for '{facts.query}'"
            + (f" in {facts.city}" if facts.city else "")
            + ".",
            "position": i + 1,
        }
        for i, (name, domain) in enumerate(entities)
    ]
    citations: list[dict[str, str]] = []
    n_cites = rng.choice((0, 1, 2, 3, 3, 4, 5))
    cited = [e for e in entities if e[1]]
    for _ in range(n_cites):
        if rng.random() < 0.25:
            domain = rng.choice(SOURCES)
            ref = ""
        else:
            if not cited:
                break
            name, domain = rng.choice(cited)
            ref = name
        url = f"https://www.{domain}/{_slug(facts.city or 'city')}/{_slug(ref or facts.query)[:40]}"
        if url not in {c["url"] for c in citations}:
            citations.append({"url": url, "domain": domain, "entity_ref": ref})
    flags: list[str] = []
    if not citations:
        flags.append("no_sources")
    if rng.random() < 0.05:
        flags.append("outdated_info")
    top = ", ".join(e[0] for e in entities[:3])
    summary = f'For "{facts.query}", renters most often consider {top}.'
    return {
        "ordered_entities": ordered,
        "citations": citations,
        "answer_summary": summary,
        "notes": {"flags": flags},
    }
