"""Natural answers as prose (numbered list, bold names, inline links), and reading them back.

`extract` is the simulated phase-2 model: it reads the prose the way an extraction model would
(list items, emphasis, links), so it works on any answer written in this common style.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from typing import Any

ITEM = re.compile(r"^\s*(\d+)\.\s+\*\*(.+?)\*\*(?:\s+\(([^)]*)\))?\s*[—:-]\s*(.*)$")
LINK = re.compile(r"\[([^\]]*)\]\((https?://[^)\s]+)\)")
PLACE = re.compile(r"\bin ([A-Z][A-Za-z.' -]+?, [A-Z]{2})\b")
POSITIVE = ("praise", "love", "excellent", "great", "highly rated", "favorite")
NEGATIVE = ("complain", "slow", "issue", "problem", "noisy", "mixed reviews", "poor")


def render(block: dict[str, Any], query: str) -> str:
    """The AnswerBlock written out as a conversational answer."""
    by_ref: dict[str, list[dict[str, str]]] = {}
    loose: list[dict[str, str]] = []
    for cite in block["citations"]:
        (by_ref.setdefault(cite["entity_ref"], []) if cite["entity_ref"] else loose).append(cite)
    lines = ["Here are places renters often consider:", ""]
    for entity in block["ordered_entities"]:
        links = " ".join(f"[{c['domain']}]({c['url']})" for c in by_ref.get(entity["name"], []))
        domain = f" ({entity['domain']})" if entity["domain"] else ""
        lines.append(
            f"{entity['position']}. **{entity['name']}**{domain} — "
            f"{entity['rationale']}" + (f" {links}" if links else "")
        )
    if loose:
        lines += ["", "More to read: " + ", ".join(f"[{c['domain']}]({c['url']})" for c in loose)]
    lines += ["", block["answer_summary"]]
    if not block["citations"]:
        lines.append("I don't have specific sources to point to, so check current listings.")
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


def extract(
    text: str, brand: str, expected_place: str, *, brand_domain: str = "", lie_rate: float = 0.0
) -> dict[str, Any]:
    """Phase 2 over prose: the AnswerBlock and the analysis envelope.

    At `lie_rate`, an extraction of prose that never names the brand claims it anyway: first in
    the list, with a link to its site that the prose never showed (a hallucinating extractor).
    """
    entities: list[dict[str, Any]] = []
    citations: list[dict[str, str]] = []
    paragraphs: list[str] = []
    brand_line: tuple[int, str] | None = None
    current_ref = ""
    for line in text.splitlines():
        item = ITEM.match(line)
        if item:
            name, domain, rest = item.group(2).strip(), (item.group(3) or "").strip(), item.group(4)
            position = len(entities) + 1
            rationale = LINK.sub("", rest).strip()
            entities.append(
                {"name": name, "domain": domain, "rationale": rationale, "position": position}
            )
            current_ref = name
            if brand_line is None and _is_brand(name, brand):
                brand_line = (position, rationale)
        elif line.strip():
            current_ref = ""
            paragraphs.append(line.strip())
        for label, url in LINK.findall(line):
            citations.append({"url": url, "domain": label, "entity_ref": current_ref})
    summary = next(
        (p for p in reversed(paragraphs) if not p.startswith(("More to read", "I don't"))), ""
    )
    mentioned = brand_line is not None or (bool(brand) and brand.lower() in text.lower())
    stated = None
    if brand_line is not None:
        place = PLACE.search(brand_line[1])
        stated = place.group(1) if place else None
    tone = _tone(brand_line[1]) if brand_line else ("neutral" if mentioned else "not_mentioned")
    lie = random.Random(hashlib.sha256(f"extract|{brand}|{text}".encode()).hexdigest())
    if brand and not mentioned and lie.random() < lie_rate:
        entities = [
            {"name": brand, "domain": brand_domain, "rationale": "A top pick.", "position": 1},
            *({**e, "position": e["position"] + 1} for e in entities),
        ]
        if brand_domain:
            url = f"https://www.{brand_domain}/{re.sub(r'[^a-z0-9]+', '-', brand.lower())}"
            citations = [{"url": url, "domain": brand_domain, "entity_ref": brand}, *citations]
        mentioned, brand_line, tone = True, (1, "A top pick."), "positive"
    return {
        "answer_block": {
            "ordered_entities": entities,
            "citations": citations,
            "answer_summary": summary,
            "notes": {"flags": [] if citations else ["no_sources"]},
            "brand_sentiment": {"label": tone, "phrase": brand_line[1] if brand_line else ""},
        },
        "analysis": {
            "brand_analysis": {
                "mentioned": mentioned,
                "position": brand_line[0] if brand_line else None,
                "location_stated": stated,
                "location_correct": None if stated is None else stated == expected_place,
                "prominence": None
                if brand_line is None
                else ("high" if brand_line[0] <= 2 else "medium" if brand_line[0] <= 5 else "low"),
            },
            "extraction_confidence": 92.0 if entities else 60.0,
        },
    }


@dataclass(frozen=True)
class ExtractionRequest:
    """What a phase-2 prompt states: the question, the brand, where it is, and the prose."""

    query: str
    brand: str
    place: str
    domains: list[str]
    response: str


def parse_extraction_prompt(text: str) -> ExtractionRequest:
    def field(label: str) -> str:
        m = re.search(rf"^{re.escape(label)}:\s*(.*)$", text, re.MULTILINE)
        return m.group(1).strip() if m else ""

    body = re.search(r"<response>\n(.*)\n</response>", text, re.DOTALL)
    domains = field("Known brand domains (for inference only)")
    return ExtractionRequest(
        query=field("Original query"),
        brand=field("Brand being tracked"),
        place=field("Expected location"),
        domains=[d.strip() for d in domains.split(",") if d.strip() and d.strip() != "—"],
        response=body.group(1) if body else "",
    )
