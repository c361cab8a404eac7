"""Natural answers as prose (numbered list, bold names, inline links), and reading them back.

`extract` is the simulated phase-2 model: it reads the prose the way an extraction model would
(list items, emphasis, links), so it works on any answer written in this common style, in
English or in Spanish (its tone words, "en Ciudad, ST", its closing lines).
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from typing import Any

from llmsim.language import phrases_for

ITEM = re.compile(r"^\s*(\d+)\.\s+\*\*(.+?)\*\*(?:\s+\(([^)]*)\))?\s*[—:-]\s*(.*)$")
LINK = re.compile(r"\[([^\]]*)\]\((https?://[^)\s]+)\)")
PLACE = re.compile(r"\b(?:in|en) ([A-ZÁÉÍÓÚÑ][A-Za-zÀ-ÿ.' -]+?, [A-Z]{2})\b")
POSITIVE = (
    *("praise", "love", "excellent", "great", "highly rated", "favorite"),
    *("elogian", "encanta", "excelente", "muy valorad", "favorit"),
)
# Whole Spanish words: "lent" would read "excelente" as a complaint.
NEGATIVE = (
    *("complain", "slow", "issue", "problem", "noisy", "mixed reviews", "poor"),
    *("quejan", "queja", "lentas", "lento", "ruidos", "opiniones mixtas", "deficiente"),
)
# The lines that close an answer, in every language: not its summary.
CLOSINGS = ("More to read", "I don't", "Más para leer", "No tengo")


def render(block: dict[str, Any], query: str) -> str:
    """The AnswerBlock written out as a conversational answer."""
    by_ref: dict[str, list[dict[str, str]]] = {}
    loose: list[dict[str, str]] = []
    for cite in block["citations"]:
        (by_ref.setdefault(cite["entity_ref"], []) if cite["entity_ref"] else loose).append(cite)
    say = phrases_for(query)  # in the question's language
    lines = [say.opening, ""]
    for entity in block["ordered_entities"]:
        links = " ".join(f"[{c['domain']}]({c['url']})" for c in by_ref.get(entity["name"], []))
        domain = f" ({entity['domain']})" if entity["domain"] else ""
        lines.append(
            f"{entity['position']}. **{entity['name']}**{domain} — "
            f"{entity['rationale']}" + (f" {links}" if links else "")
        )
    if loose:
        lines += ["", say.more + ", ".join(f"[{c['domain']}]({c['url']})" for c in loose)]
    lines += ["", block["answer_summary"]]
    if not block["citations"]:
        lines.append(say.no_sources)
    return "\n".join(lines)


def _is_brand(name: str, brand: str) -> bool:
    words = set(re.findall(r"[a-z0-9]+", name.lower()))
    wanted = set(re.findall(r"[a-z0-9]+", brand.lower())) - {"the", "at", "apartments"}
    return bool(wanted) and wanted <= words


def _tone(text: str) -> str:
    lowered = text.lower()
    if any(w in lowered for w in NEGATIVE):
        return "negative"
    if any(w in lowered for w in POSITIVE):
        return "positive"
    return "neutral"


@dataclass
class _Reading:
    """What the prose shows, read line by line the way an extraction model reads it."""

    entities: list[dict[str, Any]] = field(default_factory=list)
    citations: list[dict[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    brand_line: tuple[int, str] | None = None  # (position, rationale) of the brand's first item


@dataclass(frozen=True)
class _BrandSeen:
    """What an extraction reports about the brand."""

    mentioned: bool
    line: tuple[int, str] | None  # (position, rationale) of its list item
    tone: str


def _read_item(reading: _Reading, item: re.Match[str], brand: str) -> str:
    """Adds one list item's entity; its name, which the links on its line refer to."""
    name, domain, rest = item.group(2).strip(), (item.group(3) or "").strip(), item.group(4)
    position = len(reading.entities) + 1
    rationale = LINK.sub("", rest).strip()
    reading.entities.append(
        {"name": name, "domain": domain, "rationale": rationale, "position": position}
    )
    if reading.brand_line is None and _is_brand(name, brand):
        reading.brand_line = (position, rationale)
    return name


def _read(text: str, brand: str) -> _Reading:
    reading = _Reading()
    current_ref = ""  # a link belongs to the entity of its line, else to no entity
    for line in text.splitlines():
        item = ITEM.match(line)
        if item:
            current_ref = _read_item(reading, item, brand)
        elif line.strip():
            current_ref = ""
            reading.paragraphs.append(line.strip())
        for label, url in LINK.findall(line):
            reading.citations.append({"url": url, "domain": label, "entity_ref": current_ref})
    return reading


def _summary(paragraphs: list[str]) -> str:
    """The last paragraph that is not the closing list of links or the no-sources caveat."""
    return next((p for p in reversed(paragraphs) if not p.startswith(CLOSINGS)), "")


def _brand_seen(reading: _Reading, brand: str, text: str) -> _BrandSeen:
    line = reading.brand_line
    mentioned = line is not None or (bool(brand) and brand.lower() in text.lower())
    tone = _tone(line[1]) if line else ("neutral" if mentioned else "not_mentioned")
    return _BrandSeen(mentioned=mentioned, line=line, tone=tone)


def _claim_brand(reading: _Reading, brand: str, brand_domain: str) -> _BrandSeen:
    """A hallucinating extractor: the unnamed brand first in the list, with a link to its site."""
    reading.entities = [
        {"name": brand, "domain": brand_domain, "rationale": "A top pick.", "position": 1},
        *({**e, "position": e["position"] + 1} for e in reading.entities),
    ]
    if brand_domain:
        url = f"https://www.{brand_domain}/{re.sub(r'[^a-z0-9]+', '-', brand.lower())}"
        reading.citations = [
            {"url": url, "domain": brand_domain, "entity_ref": brand},
            *reading.citations,
        ]
    return _BrandSeen(mentioned=True, line=(1, "A top pick."), tone="positive")


def _prominence(position: int) -> str:
    return "high" if position <= 2 else "medium" if position <= 5 else "low"


def _envelope(reading: _Reading, seen: _BrandSeen, expected_place: str) -> dict[str, Any]:
    place = PLACE.search(seen.line[1]) if seen.line else None
    stated = place.group(1) if place else None
    return {
        "answer_block": {
            "ordered_entities": reading.entities,
            "citations": reading.citations,
            "answer_summary": _summary(reading.paragraphs),
            "notes": {"flags": [] if reading.citations else ["no_sources"]},
            "brand_sentiment": {"label": seen.tone, "phrase": seen.line[1] if seen.line else ""},
        },
        "analysis": {
            "brand_analysis": {
                "mentioned": seen.mentioned,
                "position": seen.line[0] if seen.line else None,
                "location_stated": stated,
                "location_correct": None if stated is None else stated == expected_place,
                "prominence": _prominence(seen.line[0]) if seen.line else None,
            },
            "extraction_confidence": 92.0 if reading.entities else 60.0,
        },
    }


def extract(
    text: str, brand: str, expected_place: str, *, brand_domain: str = "", lie_rate: float = 0.0
) -> dict[str, Any]:
    """Phase 2 over prose: the AnswerBlock and the analysis envelope.

    At `lie_rate`, an extraction of prose that never names the brand claims it anyway: first in
    the list, with a link to its site that the prose never showed (a hallucinating extractor).
    The draw depends only on the brand and the prose, so the same answer always lies the same.
    """
    reading = _read(text, brand)
    seen = _brand_seen(reading, brand, text)
    lie = random.Random(hashlib.sha256(f"extract|{brand}|{text}".encode()).hexdigest())
    if brand and not seen.mentioned and lie.random() < lie_rate:
        seen = _claim_brand(reading, brand, brand_domain)
    return _envelope(reading, seen, expected_place)


@dataclass(frozen=True)
class ExtractionRequest:
    """What a phase-2 prompt states: the question, the brand, where it is, and the prose."""

    query: str
    brand: str
    place: str
    domains: list[str]
    response: str


def parse_extraction_prompt(text: str) -> ExtractionRequest:
    def stated(label: str) -> str:
        m = re.search(rf"^{re.escape(label)}:\s*(.*)$", text, re.MULTILINE)
        return m.group(1).strip() if m else ""

    body = re.search(r"<response>\n(.*)\n</response>", text, re.DOTALL)
    domains = stated("Known brand domains (for inference only)")
    return ExtractionRequest(
        query=stated("Original query"),
        brand=stated("Brand being tracked"),
        place=stated("Expected location"),
        domains=[d.strip() for d in domains.split(",") if d.strip() and d.strip() != "—"],
        response=body.group(1) if body else "",
    )
