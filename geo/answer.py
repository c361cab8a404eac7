"""The AnswerBlock contract (what scoring consumes), its JSON schema and tolerant parsing.

The schema sent to the providers and the validator below describe the same object: citations
carry `entity_ref` in both, since a validator that requires a field the strict schema omits
would discard every answer that has a citation.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from geo.domains import domain_of_url, normalize_domain
from geo.schema import array_of, integer, one_of, strict_object, string

Flag = Literal[
    "no_sources", "possible_hallucination", "outdated_info", "nap_mismatch", "conflicting_prices"
]
FLAGS: tuple[str, ...] = (
    "no_sources",
    "possible_hallucination",
    "outdated_info",
    "nap_mismatch",
    "conflicting_prices",
)


class Entity(BaseModel):
    """One recommended place. `position` is its 1-based place in the answer's list: the rank we
    score. `claimed_position` is the number the model wrote, kept for inspection only."""

    name: str = Field(min_length=1)
    domain: str = ""
    rationale: str = ""
    position: int = Field(ge=1)
    claimed_position: int | None = None


CitationOrigin = Literal["answer", "search"]


class Citation(BaseModel):
    """A link the answer shows. `domain` is the host of `url`; the `domain` the model wrote is
    kept as `claimed_domain` and never scored. `origin` says whether the answer's own text gave
    the link or the provider's web search returned it as a source."""

    url: str = Field(min_length=1)
    domain: str = ""
    entity_ref: str = ""
    claimed_domain: str = ""
    origin: CitationOrigin = "answer"


class Notes(BaseModel):
    flags: list[Flag] = Field(default_factory=list)


SentimentLabel = Literal["positive", "neutral", "negative", "not_mentioned"]
SENTIMENTS: tuple[str, ...] = ("positive", "neutral", "negative", "not_mentioned")


class BrandSentiment(BaseModel):
    """How the answer speaks of the brand, with the phrase that shows it."""

    label: SentimentLabel = "not_mentioned"
    phrase: str = ""


class AnswerBlock(BaseModel):
    ordered_entities: list[Entity] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    answer_summary: str = ""
    notes: Notes = Field(default_factory=Notes)
    brand_sentiment: BrandSentiment = Field(default_factory=BrandSentiment)


def answer_block_schema() -> dict[str, Any]:
    """Strict JSON schema: every property required, no extra properties (OpenAI strict mode)."""
    entity = strict_object(
        {"name": string(), "domain": string(), "rationale": string(), "position": integer()}
    )
    citation = strict_object({"url": string(), "domain": string(), "entity_ref": string()})
    sentiment = strict_object({"label": one_of(list(SENTIMENTS)), "phrase": string()})
    notes = strict_object({"flags": array_of(one_of(list(FLAGS)))})
    return strict_object(
        {
            "ordered_entities": array_of(entity),
            "citations": array_of(citation),
            "answer_summary": string(),
            "brand_sentiment": sentiment,
            "notes": notes,
        },
        required=["ordered_entities", "citations", "answer_summary", "notes", "brand_sentiment"],
    )


class AnswerParseError(ValueError):
    """The model's text holds no usable AnswerBlock."""


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL | re.IGNORECASE)


def extract_json_object(text: str) -> dict[str, Any]:
    """The JSON object in a model's text: plain, fenced, or between the first `{` and last `}`."""
    candidates = [text]
    fenced = _FENCE.match(text or "")
    if fenced:
        candidates.append(fenced.group(1))
    start, end = (text or "").find("{"), (text or "").rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except (json.JSONDecodeError, TypeError):
            continue
        if isinstance(value, dict):
            return value
    raise AnswerParseError("no JSON object found in the model's answer")


def coerce_answer_block(data: dict[str, Any]) -> AnswerBlock:
    """Accept the field aliases models use (`results`, `providers`, `summary`, top-level flags)."""
    raw_entities = next(
        (
            data[k]
            for k in ("ordered_entities", "results", "providers", "entities")
            if isinstance(data.get(k), list)
        ),
        None,
    )
    if raw_entities is None:
        raise AnswerParseError("answer has no ordered_entities list")
    named = [i for i in raw_entities if isinstance(i, dict) and str(i.get("name") or "").strip()]
    entities = [_entity(item, position) for position, item in enumerate(named, start=1)]
    citations = [
        citation
        for item in data.get("citations") or data.get("sources") or []
        if (citation := _citation(item)) is not None
    ]
    notes = data.get("notes")
    raw_flags = notes.get("flags") if isinstance(notes, dict) else data.get("flags")
    flags = [f for f in (raw_flags or []) if isinstance(f, str) and f in FLAGS]
    summary = data.get("answer_summary", data.get("summary", ""))
    raw_sentiment = data.get("brand_sentiment") or data.get("sentiment") or {}
    if isinstance(raw_sentiment, str):
        raw_sentiment = {"label": raw_sentiment}
    label = str(raw_sentiment.get("label") or "not_mentioned").lower()
    sentiment = BrandSentiment(
        label=label if label in SENTIMENTS else "neutral",  # type: ignore[arg-type]
        phrase=str(raw_sentiment.get("phrase") or ""),
    )
    try:
        return AnswerBlock(
            ordered_entities=entities,
            citations=citations,
            answer_summary=str(summary or ""),
            notes=Notes(flags=list(dict.fromkeys(flags))),  # type: ignore[arg-type]
            brand_sentiment=sentiment,
        )
    except ValidationError as exc:  # pragma: no cover - coercion above keeps fields valid
        raise AnswerParseError(str(exc)) from exc


def _entity(item: dict[str, Any], position: int) -> Entity:
    """The entity at `position` in the list; the model's own number only as a claim."""
    claimed = item.get("position")
    if not isinstance(claimed, int) or isinstance(claimed, bool) or claimed < 1:
        claimed = None
    return Entity(
        name=str(item.get("name") or "").strip(),
        domain=normalize_domain(str(item.get("domain") or "")),
        rationale=str(item.get("rationale") or ""),
        position=position,
        claimed_position=claimed,
    )


def _citation(item: object) -> Citation | None:
    if isinstance(item, str):
        item = {"url": item}
    if not isinstance(item, dict):
        return None
    url = str(item.get("url") or "").strip()
    if not url:
        return None
    return Citation(
        url=url,
        domain=domain_of_url(url),
        entity_ref=str(item.get("entity_ref") or ""),
        claimed_domain=normalize_domain(str(item.get("domain") or "")),
    )


def parse_answer_block(text: str) -> AnswerBlock:
    """Model text → AnswerBlock, or AnswerParseError (never a made-up answer)."""
    return coerce_answer_block(extract_json_object(text))


def merge_sources(block: AnswerBlock, urls: list[str]) -> AnswerBlock:
    """Web-search sources become citations after the ones the answer gave, each URL once."""
    seen = {c.url for c in block.citations}
    extra = []
    for url in urls:
        if url and url not in seen:
            seen.add(url)
            extra.append(Citation(url=url, domain=domain_of_url(url), origin="search"))
    if not extra:
        return block
    return block.model_copy(update={"citations": [*block.citations, *extra]})
