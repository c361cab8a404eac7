"""The query panel: deterministic renter questions built from a profile (seed-system.md §1).

No LLM is involved. Differences from the seed, on purpose: amenity keywords match whole words
and the longest keyword wins ("carpet" is not "pet", "dog park" is a dog park), a profile whose
amenities map to no keyword still gets the two fallback amenity questions, and the panel never
holds the same text twice.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from geo.profile import PropertyProfile

QueryType = Literal["branded", "category", "comparison", "local", "faq", "voice_search"]
QUERY_TYPES: tuple[str, ...] = ("branded", "category", "comparison", "local", "faq", "voice_search")


class PanelQuery(BaseModel):
    text: str
    type: QueryType
    weight: float


# Ordered as in the seed; matching below prefers the longest keyword found.
AMENITY_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("pool", "pool"),
    ("swimming pool", "pool"),
    ("gym", "fitness center"),
    ("fitness", "fitness center"),
    ("fitness center", "fitness center"),
    ("pet", "pet-friendly"),
    ("pets", "pet-friendly"),
    ("dog", "dog-friendly"),
    ("pet friendly", "pet-friendly"),
    ("pet-friendly", "pet-friendly"),
    ("dog park", "dog park"),
    ("parking", "parking"),
    ("garage", "garage parking"),
    ("rooftop", "rooftop"),
    ("rooftop deck", "rooftop deck"),
    ("coworking", "coworking space"),
    ("co-working", "coworking space"),
    ("ev charging", "EV charging"),
    ("electric vehicle", "EV charging"),
    ("concierge", "concierge"),
    ("smart home", "smart home technology"),
    ("spa", "spa"),
    ("package locker", "package lockers"),
    ("package lockers", "package lockers"),
    ("bike storage", "bike storage"),
)

USP_RULES: tuple[tuple[str, str], ...] = (
    (r"sustainab|green|solar", "Sustainable green apartments in {n} with solar power"),
    (r"luxury|premium|high-end", "Premium luxury apartments in {n}"),
    (r"\btech|smart home|automation", "Apartments with smart home technology in {n}"),
    (r"walkab|walk score", "Walkable apartments in {n} near shops and dining"),
    (r"\bviews?\b|scenic", "Apartments with views in {n}"),
    (r"resort|amenit", "Resort-style apartments in {n}"),
    (r"communit|social", "Apartments with strong community in {n}"),
)

PERSONA_RULES: tuple[tuple[str, str], ...] = (
    (r"young professional", "young professionals"),
    (r"remote worker", "remote workers"),
    (r"graduate student", "graduate students"),
    (r"famil(y|ies)", "families"),
    (r"tech worker", "tech workers"),
    (r"military", "military personnel"),
    (r"retiree", "retirees"),
    (r"empty nester", "empty nesters"),
    (r"millennial", "millennials"),
    (r"gen z", "Gen Z renters"),
)


def key_amenities(amenities: list[str]) -> list[str]:
    """Map free-text amenities to the keyword map's canonical names, distinct, in order."""
    found: list[str] = []
    for raw in amenities:
        text = (raw or "").lower()
        best: tuple[int, str] | None = None
        for key, value in AMENITY_KEYWORDS:
            if re.search(rf"(?<![a-z]){re.escape(key)}(?![a-z])", text) and (
                best is None or len(key) > best[0]
            ):
                best = (len(key), value)
        if best and best[1] not in found:
            found.append(best[1])
    return found


def amenity_combinations(keys: list[str], neighborhood: str) -> list[PanelQuery]:
    """Pairs among the first four key amenities, then triples, then one 'modern' question."""
    k = len(keys)
    out: list[PanelQuery] = []
    for i in range(min(k - 1, 3)):
        for j in range(i + 1, min(k, 4)):
            if len(out) < 6:
                out.append(
                    PanelQuery(
                        text=f"Apartments with {keys[i]} and {keys[j]} in {neighborhood}",
                        type="category",
                        weight=1.4,
                    )
                )
    if k >= 3 and len(out) < 4:
        for i in range(min(k - 2, 2)):
            out.append(
                PanelQuery(
                    text=(
                        f"{neighborhood} apartments with {keys[i]}, {keys[i + 1]},"
                        f" and {keys[i + 2]}"
                    ),
                    type="category",
                    weight=1.5,
                )
            )
    if k >= 1:
        out.append(
            PanelQuery(
                text=f"Modern apartments near {neighborhood} with {keys[0]}",
                type="category",
                weight=1.3,
            )
        )
    return out[:6]


def usp_query(usp: str, neighborhood: str) -> str | None:
    text = (usp or "").lower()
    for pattern, template in USP_RULES:
        if re.search(pattern, text):
            return template.format(n=neighborhood)
    word = next((w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", usp or "") if len(w) > 4), None)
    return f"{word} apartments in {neighborhood}" if word else None


def personas(target_audience: str) -> list[str]:
    text = (target_audience or "").lower()
    found = [label for pattern, label in PERSONA_RULES if re.search(pattern, text)]
    return (found or ["young professionals", "families"])[:3]


def generate_panel(profile: PropertyProfile) -> list[PanelQuery]:
    """The whole panel, 12 to 28 questions, in the seed's insertion order, without duplicates."""
    name = profile.name.strip()
    addr = profile.address
    city = addr.city or "Unknown City"
    neighborhood = addr.neighborhood or city
    q: list[PanelQuery] = []

    def add(text: str, qtype: QueryType, weight: float) -> None:
        q.append(PanelQuery(text=text, type=qtype, weight=weight))

    for branded in (
        f"What is {name}?",
        f"Is {name} a good place to live?",
        f"{name} reviews",
        f"{name} apartments",
    ):
        add(branded, "branded", 1.5)
    add(f"Best apartments in {city}", "category", 0.8)

    combos = amenity_combinations(key_amenities(profile.amenities), neighborhood)
    if combos:
        q.extend(combos)
    else:
        add(f"Modern apartments in {neighborhood}", "category", 1.2)
        add(f"Newly built apartments {neighborhood}", "category", 1.2)

    add(f"Best place to live in {neighborhood}", "local", 1.3)
    add(f"{neighborhood} apartment communities", "local", 1.3)
    add(f"Moving to {neighborhood} - apartment recommendations", "local", 1.2)

    for usp in profile.unique_selling_points[:3]:
        usp_text = usp_query(usp, neighborhood)
        if usp_text:
            add(usp_text, "category", 1.5)

    if profile.target_audience.strip():
        for persona in personas(profile.target_audience):
            add(f"Apartments for {persona} in {neighborhood}", "category", 1.3)

    for competitor in profile.competitors[:3]:
        if competitor.name.strip():
            add(f"{name} vs {competitor.name.strip()}", "comparison", 1.3)

    if addr.street.strip():
        add(f"Apartments near {addr.street.strip()}", "local", 1.2)

    add(f"How do I apply to {name}?", "voice_search", 1.1)
    add(f"What amenities does {name} have?", "voice_search", 1.1)
    add(f"Tell me about {name}", "voice_search", 1.1)
    if profile.amenities and profile.amenities[0].strip():
        first = profile.amenities[0].strip().lower()
        add(f"Where can I find apartments in {neighborhood} with {first}?", "voice_search", 1.2)
    else:
        add(f"Where can I find apartments in {neighborhood}?", "voice_search", 1.1)

    return dedupe(q)


def dedupe(queries: list[PanelQuery]) -> list[PanelQuery]:
    seen: set[str] = set()
    out: list[PanelQuery] = []
    for query in queries:
        key = normalize_query_text(query.text)
        if key not in seen:
            seen.add(key)
            out.append(query)
    return out


def normalize_query_text(text: str) -> str:
    """The identity of a question: case and spacing do not make a new one."""
    return " ".join(text.lower().split())
