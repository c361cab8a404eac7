"""Quality flags detected from the answer itself, merged with the model's own flags."""

from __future__ import annotations

import re
import unicodedata

from geo.answer import FLAGS, AnswerBlock
from geo.brand import BrandMatcher

# A capitalised word in any alphabet ("San José", "Peñasquitos"), up to four of them, then ", ST".
_WORD = r"[A-ZÀ-ÖØ-Þ](?:[^\W\d_]|[.'-])+"
_PLACE = re.compile(rf"(?<![^\W\d_])({_WORD}(?:\s{_WORD}){{0,3}}),\s*([A-Z]{{2}})\b")


def _folded(text: str) -> str:
    """Case and accents do not make another city: "San Jose" is "San José"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stated_places(text: str) -> list[tuple[str, str]]:
    """`City, ST` mentions in a text, as (city, state)."""
    return [(m.group(1).strip(), m.group(2)) for m in _PLACE.finditer(text or "")]


def _about_brand(block: AnswerBlock, matcher: BrandMatcher) -> list[str]:
    texts = [e.rationale for e in block.ordered_entities if matcher.entity_is_brand(e)]
    for sentence in re.split(r"(?<=[.!?])\s+", block.answer_summary or ""):
        if matcher.summary_names_brand(sentence):
            texts.append(sentence)
    return texts


def places_mismatch(places: list[tuple[str, str]], city: str, state: str) -> bool:
    if not (city or state):
        return False
    for found_city, found_state in places:
        if state and found_state.upper() != state.strip().upper()[:2]:
            return True
        if (
            city
            and found_state.upper() == state.strip().upper()[:2]
            and _folded(city) not in _folded(found_city)
        ):
            return True
    return False


def detect_flags(
    block: AnswerBlock, matcher: BrandMatcher, location_stated: str | None = None
) -> list[str]:
    """no_sources, possible_hallucination and nap_mismatch from the answer, plus the model's."""
    flags = set(block.notes.flags)
    if not block.citations:
        flags.add("no_sources")
        if block.ordered_entities:
            flags.add("possible_hallucination")
    if not (block.answer_summary or "").strip():
        flags.add("possible_hallucination")
    brand = matcher.brand
    places = [p for text in _about_brand(block, matcher) for p in stated_places(text)]
    if location_stated:
        places += stated_places(location_stated)
    if places_mismatch(places, brand.city, brand.state):
        flags.add("nap_mismatch")
    return [f for f in FLAGS if f in flags]
