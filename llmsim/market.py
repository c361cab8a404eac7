"""The simulated world: a deterministic rental market per city and the audited property.

The world reaches the simulator in two ways: a structured audit prompt states the property
(brand, location, domains, competitors); a natural question states nothing, so in simulator mode
the adapters pass the same facts out of band in the `x-llmsim-world` header — what a real model
would know from its training data. Real providers never receive that header.
"""

from __future__ import annotations

import json
import random
import re

from pydantic import BaseModel, Field, ValidationError

from geo.profile import PropertyProfile

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


class World(BaseModel):
    """The audited property as the simulated model knows it."""

    name: str = ""
    city: str = ""
    state: str = ""
    domains: list[str] = Field(default_factory=list)
    website: str = ""
    competitors: list[tuple[str, str]] = Field(default_factory=list)

    @classmethod
    def from_profile(cls, profile: PropertyProfile) -> World:
        """The property as its profile states it: what a real model would know of it."""
        return cls(
            name=profile.name,
            city=profile.address.city,
            state=profile.address.state,
            domains=profile.brand_domains,
            website=profile.website_url,
            competitors=[(c.name, c.domain) for c in profile.competitors],
        )

    def header(self) -> str:
        return json.dumps(self.model_dump(), separators=(",", ":"))

    @classmethod
    def from_header(cls, value: str | None) -> World:
        if not value:
            return cls()
        try:
            return cls.model_validate_json(value)
        except ValidationError:
            return cls()


def _line(text: str, label: str) -> str:
    match = re.search(rf"^{re.escape(label)}:\s*(.*)$", text, re.MULTILINE)
    value = match.group(1).strip() if match else ""
    return "" if value == "—" else value


def parse_structured_prompt(text: str) -> tuple[World, str]:
    """The world and the question stated by a structured audit prompt."""
    location = _line(text, "Location")
    city, _, state = location.partition(",")
    competitors: list[tuple[str, str]] = []
    for item in filter(None, (c.strip() for c in _line(text, "Competitors").split(","))):
        m = re.match(r"^(.*?)\s*\(([^)]*)\)$", item)
        competitors.append((m.group(1), m.group(2)) if m else (item, ""))
    world = World(
        name=_line(text, "Name"),
        city=city.strip(),
        state=state.strip(),
        domains=[d.strip() for d in _line(text, "Brand domains").split(",") if d.strip()],
        website=_line(text, "Official website"),
        competitors=competitors,
    )
    return world, _line(text, "Query") or text.strip()[:300]


def slug(name: str) -> str:
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
    return [(n, slug(n) + rng.choice(suffixes)) for n in names]
