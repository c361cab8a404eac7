"""The query panel: deterministic renter questions built from a profile (seed-system.md §1).

No LLM is involved. Differences from the seed, on purpose: amenity keywords match whole words
and the longest keyword wins ("carpet" is not "pet", "dog park" is a dog park), a profile whose
amenities map to no keyword still gets the two fallback amenity questions, and the panel never
holds the same text twice.

The templates are one language's `Wording`; English is here, Spanish in `geo.panel_es`, and the
persona questions in `geo.personas`. `geo.panel_spec` puts a panel together from them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from geo.profile import PropertyProfile

QueryType = Literal["branded", "category", "comparison", "local", "faq", "voice_search"]
QUERY_TYPES: tuple[str, ...] = ("branded", "category", "comparison", "local", "faq", "voice_search")


class PanelQuery(BaseModel):
    text: str
    type: QueryType
    weight: float
    persona: str = ""  # "" = any renter, else a key of geo.personas.PERSONAS
    language: str = "en"


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


@dataclass(frozen=True)
class Wording:
    """One language's general panel. Placeholders: {b} brand, {c} city, {n} neighbourhood,
    {a} {a2} {a3} amenities, {p} persona, {r} rival, {s} street, {w} a word of a selling point."""

    language: str
    branded: tuple[str, ...]
    best_in_city: str
    pair: str
    triple: str
    modern_with: str
    no_amenities: tuple[str, str]
    local: tuple[str, ...]
    usp_rules: tuple[tuple[str, str], ...]
    usp_word: str | None  # a selling point no rule knows; None: no question (see panel_es)
    persona_rules: tuple[tuple[str, str], ...]
    persona_fallback: tuple[str, ...]
    for_persona: str
    versus: str
    near_street: str
    voice: tuple[str, ...]
    voice_amenity: str
    voice_plain: str
    # Canonical amenity names in this language; None: as written (English).
    amenity_names: Mapping[str, str] | None = None

    def amenity(self, canonical: str) -> str:
        return canonical if self.amenity_names is None else self.amenity_names[canonical]


ENGLISH = Wording(
    language="en",
    branded=("What is {b}?", "Is {b} a good place to live?", "{b} reviews", "{b} apartments"),
    best_in_city="Best apartments in {c}",
    pair="Apartments with {a} and {a2} in {n}",
    triple="{n} apartments with {a}, {a2}, and {a3}",
    modern_with="Modern apartments near {n} with {a}",
    no_amenities=("Modern apartments in {n}", "Newly built apartments {n}"),
    local=(
        "Best place to live in {n}",
        "{n} apartment communities",
        "Moving to {n} - apartment recommendations",
    ),
    usp_rules=(
        (r"sustainab|green|solar", "Sustainable green apartments in {n} with solar power"),
        (r"luxury|premium|high-end", "Premium luxury apartments in {n}"),
        (r"\btech|smart home|automation", "Apartments with smart home technology in {n}"),
        (r"walkab|walk score", "Walkable apartments in {n} near shops and dining"),
        (r"\bviews?\b|scenic", "Apartments with views in {n}"),
        (r"resort|amenit", "Resort-style apartments in {n}"),
        (r"communit|social", "Apartments with strong community in {n}"),
    ),
    usp_word="{w} apartments in {n}",
    persona_rules=(
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
    ),
    persona_fallback=("young professionals", "families"),
    for_persona="Apartments for {p} in {n}",
    versus="{b} vs {r}",
    near_street="Apartments near {s}",
    voice=("How do I apply to {b}?", "What amenities does {b} have?", "Tell me about {b}"),
    voice_amenity="Where can I find apartments in {n} with {a}?",
    voice_plain="Where can I find apartments in {n}?",
)
USP_RULES = ENGLISH.usp_rules
PERSONA_RULES = ENGLISH.persona_rules


def key_amenities(
    amenities: list[str], keywords: tuple[tuple[str, str], ...] = AMENITY_KEYWORDS
) -> list[str]:
    """Map free-text amenities to the keyword map's canonical names, distinct, in order."""
    found: list[str] = []
    for raw in amenities:
        text = (raw or "").lower()
        best: tuple[int, str] | None = None
        for key, value in keywords:
            if re.search(rf"(?<![a-z]){re.escape(key)}(?![a-z])", text) and (
                best is None or len(key) > best[0]
            ):
                best = (len(key), value)
        if best and best[1] not in found:
            found.append(best[1])
    return found


def amenity_combinations(
    keys: list[str], neighborhood: str, wording: Wording = ENGLISH
) -> list[PanelQuery]:
    """Pairs among the first four key amenities, then triples, then one 'modern' question."""
    names = [wording.amenity(k) for k in keys]
    k, n, lang = len(names), neighborhood, wording.language
    out: list[PanelQuery] = []
    for i in range(min(k - 1, 3)):
        for j in range(i + 1, min(k, 4)):
            if len(out) < 6:
                text = wording.pair.format(a=names[i], a2=names[j], n=n)
                out.append(PanelQuery(text=text, type="category", weight=1.4, language=lang))
    if k >= 3 and len(out) < 4:
        for i in range(min(k - 2, 2)):
            text = wording.triple.format(a=names[i], a2=names[i + 1], a3=names[i + 2], n=n)
            out.append(PanelQuery(text=text, type="category", weight=1.5, language=lang))
    if k >= 1:
        text = wording.modern_with.format(a=names[0], n=n)
        out.append(PanelQuery(text=text, type="category", weight=1.3, language=lang))
    return out[:6]


def usp_query(usp: str, neighborhood: str, wording: Wording = ENGLISH) -> str | None:
    text = (usp or "").lower()
    for pattern, template in wording.usp_rules:
        if re.search(pattern, text):
            return template.format(n=neighborhood)
    word = next((w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", usp or "") if len(w) > 4), None)
    return wording.usp_word.format(w=word, n=neighborhood) if word and wording.usp_word else None


def personas(target_audience: str, wording: Wording = ENGLISH) -> list[str]:
    text = (target_audience or "").lower()
    found = [label for pattern, label in wording.persona_rules if re.search(pattern, text)]
    return (found or list(wording.persona_fallback))[:3]


def generate_panel(profile: PropertyProfile, wording: Wording = ENGLISH) -> list[PanelQuery]:
    """The whole general panel, 12 to 28 questions, in the seed's insertion order, without
    duplicates; in English unless another language's wording is given."""
    name = profile.name.strip()
    addr = profile.address
    city = addr.city or "Unknown City"
    n = addr.neighborhood or city
    q: list[PanelQuery] = []

    def add(template: str, qtype: QueryType, weight: float, **values: str) -> None:
        text = template.format(b=name, c=city, n=n, **values)
        q.append(PanelQuery(text=text, type=qtype, weight=weight, language=wording.language))

    for branded in wording.branded:
        add(branded, "branded", 1.5)
    add(wording.best_in_city, "category", 0.8)

    combos = amenity_combinations(key_amenities(profile.amenities), n, wording)
    q.extend(combos)
    if not combos:
        add(wording.no_amenities[0], "category", 1.2)
        add(wording.no_amenities[1], "category", 1.2)

    for local, weight in zip(wording.local, (1.3, 1.3, 1.2), strict=True):
        add(local, "local", weight)

    for usp in profile.unique_selling_points[:3]:
        usp_text = usp_query(usp, n, wording)
        if usp_text:
            add(usp_text.replace("{", "{{").replace("}", "}}"), "category", 1.5)

    if profile.target_audience.strip():
        for persona in personas(profile.target_audience, wording):
            add(wording.for_persona, "category", 1.3, p=persona)

    for competitor in profile.competitors[:3]:
        if competitor.name.strip():
            add(wording.versus, "comparison", 1.3, r=competitor.name.strip())

    if addr.street.strip():
        add(wording.near_street, "local", 1.2, s=addr.street.strip())

    for voice in wording.voice:
        add(voice, "voice_search", 1.1)
    first = _first_amenity(profile, wording)
    if first:
        add(wording.voice_amenity, "voice_search", 1.2, a=first)
    else:
        add(wording.voice_plain, "voice_search", 1.1)

    return dedupe(q)


def _first_amenity(profile: PropertyProfile, wording: Wording) -> str:
    """The profile's first amenity: as written in English, by its canonical name otherwise
    (free text cannot be translated; an amenity no keyword knows gets the plain question)."""
    raw = profile.amenities[0].strip() if profile.amenities else ""
    if not raw or wording.amenity_names is None:
        return raw.lower()
    known = key_amenities([raw])
    return wording.amenity(known[0]) if known else ""


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
