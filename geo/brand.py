"""Does an entity or a sentence name the brand? (seed-system.md §3.2, None-safe)."""

from __future__ import annotations

import re

from geo.answer import Entity
from geo.domains import is_brand_domain

GENERIC_WORDS = frozenset(
    {
        "apartments",
        "apartment",
        "properties",
        "property",
        "living",
        "homes",
        "home",
        "residences",
        "residence",
        "lofts",
        "flats",
        "suites",
        "communities",
        "community",
        "luxury",
        "modern",
        "villas",
        "towers",
    }
)
LEADING_STOPWORDS = frozenset({"the", "a", "an", "at", "on", "of"})


def main_brand_word(brand_name: str | None) -> str | None:
    """The first significant word of the brand (> 3 letters, not generic), or None."""
    words = re.findall(r"[a-z0-9][a-z0-9'&-]*", (brand_name or "").lower())
    while words and words[0] in LEADING_STOPWORDS:
        words.pop(0)
    if not words:
        return None
    first = str(words[0])
    if len(first) <= 3 or first in GENERIC_WORDS:
        return None
    return first


def _contains_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text) is not None


def names_brand(text: str | None, brand_name: str | None) -> bool:
    """The text contains the full brand name (case-insensitive)."""
    brand = (brand_name or "").strip().lower()
    return bool(brand) and brand in (text or "").lower()


def entity_matches_brand(
    entity: Entity, brand_name: str | None, brand_domains: list[str] | None
) -> bool:
    if entity.domain and is_brand_domain(entity.domain, brand_domains):
        return True
    name = (entity.name or "").lower()
    if not name:
        return False
    if names_brand(name, brand_name):
        return True
    word = main_brand_word(brand_name)
    return word is not None and _contains_word(name, word)
