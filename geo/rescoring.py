"""Re-scoring a stored answer without asking again: rebuild what the answer showed from what was
stored (the model's raw text first, the stored rows where the text cannot be read), then score it
with today's rules.

Scoring version 1 stored the model's `position` as the entity's place and the model's `domain`
as the citation's domain, and did not mark which citations came from a web search; the raw text
still holds the answer as the model gave it, so version 1 rows are rebuilt from it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from geo.answer import (
    AnswerBlock,
    AnswerParseError,
    Citation,
    Entity,
    coerce_answer_block,
    extract_json_object,
    merge_sources,
)
from geo.domains import domain_of_url, normalize_domain
from geo.profile import BrandContext
from geo.scoring import AnswerScore, Evidence, score_answer

NATURAL = "natural_two_phase"


class StoredCitation(BaseModel):
    url: str
    domain: str = ""
    claimed_domain: str = ""
    entity_ref: str = ""
    origin: str = "answer"


class StoredAnswer(BaseModel):
    """An answer row as re-scoring reads it."""

    scoring_version: int = 1
    analysis_method: str = "structured"
    raw_text: str = ""
    natural_response: str | None = None
    analysis: dict[str, Any] | None = None
    answer_summary: str = ""
    ordered_entities: list[dict[str, Any]] = Field(default_factory=list)
    citations: list[StoredCitation] = Field(default_factory=list)
    model_flags: list[str] = Field(default_factory=list)
    sentiment: str = "not_mentioned"
    sentiment_phrase: str = ""


def _from_raw(stored: StoredAnswer) -> AnswerBlock | None:
    try:
        data = extract_json_object(stored.raw_text)
        if stored.analysis_method == NATURAL:
            inner = data.get("answer_block", data)
            data = inner if isinstance(inner, dict) else {}
        return coerce_answer_block(data)
    except AnswerParseError:
        return None


def _from_rows(stored: StoredAnswer) -> AnswerBlock:
    """The block from the stored rows, when the raw text cannot be read."""
    v1 = stored.scoring_version < 2
    entities = [
        Entity(
            name=str(e.get("name") or "?"),
            domain=normalize_domain(str(e.get("domain") or "")),
            rationale=str(e.get("rationale") or ""),
            position=place,
            claimed_position=e.get("position") if v1 else e.get("claimed_position"),
        )
        for place, e in enumerate(stored.ordered_entities, start=1)
    ]
    citations = [
        Citation(
            url=c.url,
            domain=domain_of_url(c.url),
            entity_ref=c.entity_ref,
            claimed_domain=c.domain if v1 else c.claimed_domain,
            origin="search" if c.origin == "search" else "answer",
        )
        for c in stored.citations
        if c.url
    ]
    return AnswerBlock.model_validate(
        {
            "ordered_entities": entities,
            "citations": citations,
            "answer_summary": stored.answer_summary,
            "notes": {"flags": stored.model_flags},
            "brand_sentiment": {"label": stored.sentiment, "phrase": stored.sentiment_phrase},
        }
    )


def rebuild(stored: StoredAnswer) -> tuple[AnswerBlock, Evidence | None]:
    """What the answer showed, and in natural mode what the renter read."""
    block = _from_raw(stored)
    if block is None:
        block = _from_rows(stored)
    else:
        # Stored links the model's text does not hold came from the provider's web search.
        block = merge_sources(block, [c.url for c in stored.citations])
    evidence = None
    if stored.natural_response is not None:
        evidence = Evidence(
            prose=stored.natural_response,
            source_urls=[c.url for c in block.citations if c.origin == "search"],
        )
    return block, evidence


def location_stated(analysis: dict[str, Any] | None) -> str | None:
    """The place a natural answer gave the brand, as the extraction recorded it."""
    brand_analysis = (analysis or {}).get("brand_analysis")
    stated = brand_analysis.get("location_stated") if isinstance(brand_analysis, dict) else None
    return stated if isinstance(stated, str) else None


def rescore(stored: StoredAnswer, brand: BrandContext) -> tuple[AnswerBlock, AnswerScore]:
    """Today's score of a stored answer, and the block it was scored on."""
    block, evidence = rebuild(stored)
    scored = score_answer(
        block, brand, location_stated=location_stated(stored.analysis), evidence=evidence
    )
    return block, scored
