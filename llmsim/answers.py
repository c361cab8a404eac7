"""What the simulated model answers, and the ground truth of that answer.

Every answer is a pure function of (seed, model, world, question, sample, mode, lies), so a test
can recompute the truth of any answer the simulator served: whether the brand is in it, at which
place in the list, and which links are the brand's. The answer is drafted in `llmsim.drafts`,
traps for naive matchers included.

`Lies` make the model misreport its own answer at a given rate: `position` numbers that
disagree with the list's order (the brand claiming first place), and citation `domain` fields
that disagree with the URL (a rival's link labelled with the brand's domain, the brand's link
labelled as someone else's). The truth never changes with them: it is what the list and the URLs
show.

A question in Spanish is answered in Spanish (`llmsim.language`): the same draws, so the same
entities, ranks and links, only the words around them differ.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from llmsim.drafts import Draft, draw_citations, place_brand, start_draft
from llmsim.language import Phrases, phrases_for
from llmsim.market import AGGREGATORS, World


class Truth(BaseModel):
    presence: bool
    rank: int | None
    link_rank: int | None
    brand_links: list[bool] = Field(default_factory=list)
    sentiment: str = "not_mentioned"


class SimAnswer(BaseModel):
    block: dict[str, Any]
    truth: Truth
    sources: list[tuple[str, str]] = Field(default_factory=list)  # (url, title)


@dataclass(frozen=True)
class Lies:
    """How often the model misreports its own answer (0 = never, 1 = every time it can)."""

    position_rate: float = 0.0
    domain_rate: float = 0.0


NO_LIES = Lies()


def _ordered(draft: Draft, say: Phrases) -> list[dict[str, Any]]:
    """The list in the question's language; the same draws whatever the language."""
    world, rng = draft.world, draft.rng
    ordered: list[dict[str, Any]] = []
    for i, (name, dom) in enumerate(draft.entities):
        if (name, dom) == draft.brand_entity:
            # Now and then the brand is placed in the wrong city, for the location check.
            where = (
                f" {say.place} Denver, CO"
                if rng.random() < 0.05
                else (
                    f" {say.place} {world.city}, {world.state}"
                    if world.city and world.state
                    else ""
                )
            )
            rationale = f"{name}{where}: {say.sentiment[draft.sentiment]}."
        else:
            rationale = say.other.format(where=f" {say.place} {world.city}" if world.city else "")
        ordered.append({"name": name, "domain": dom, "rationale": rationale, "position": i + 1})
    return ordered


def _tell_lies(
    ordered: list[dict[str, Any]],
    citations: list[dict[str, str]],
    brand_links: list[bool],
    draft: Draft,
    lies: Lies,
    key: str,
) -> None:
    """Misreport, in place, what the answer itself shows; the truth is left alone."""
    rng = random.Random(f"lies|{key}")
    if ordered and rng.random() < lies.position_rate:
        claims = list(range(1, len(ordered) + 1))
        rng.shuffle(claims)
        for entity, claim in zip(ordered, claims, strict=True):
            entity["position"] = claim
        brand = next((e for e in ordered if (e["name"], e["domain"]) == draft.brand_entity), None)
        if brand is not None:  # self-promotion: the brand claims the first place
            first = next(e for e in ordered if e["position"] == 1)
            first["position"], brand["position"] = brand["position"], 1
    for cite, is_brand in zip(citations, brand_links, strict=True):
        if rng.random() < lies.domain_rate:
            cite["domain"] = rng.choice(AGGREGATORS)[1] if is_brand else draft.domain


def _in_prose_order(
    ordered: list[dict[str, Any]], citations: list[dict[str, str]], brand_links: list[bool]
) -> tuple[list[dict[str, str]], list[bool]]:
    """Prose shows links on their entity's line, in list order, then the other sources."""
    order = {e["name"]: e["position"] for e in ordered}
    paired = sorted(
        zip(citations, brand_links, strict=True),
        key=lambda cb: order.get(cb[0]["entity_ref"], len(order) + 1),
    )
    return [c for c, _ in paired], [b for _, b in paired]


def _block(
    draft: Draft, ordered: list[dict[str, Any]], citations: list[dict[str, str]], say: Phrases
) -> dict[str, Any]:
    flags: list[str] = [] if citations else ["no_sources"]
    if draft.rng.random() < 0.05:
        flags.append("outdated_info")
    top = ", ".join(e[0] for e in draft.entities[:3])
    return {
        "ordered_entities": ordered,
        "citations": citations,
        "answer_summary": say.summary.format(top=top),
        "notes": {"flags": flags},
        "brand_sentiment": {
            "label": draft.sentiment,
            "phrase": say.sentiment.get(draft.sentiment, ""),
        },
    }


def _truth(draft: Draft, brand_links: list[bool]) -> Truth:
    """What the list and the URLs show, whatever the answer claims about itself."""
    brand_at = draft.entities.index(draft.brand_entity) if draft.brand_entity else None
    return Truth(
        presence=brand_at is not None,
        rank=brand_at + 1 if brand_at is not None else None,
        link_rank=next((i + 1 for i, b in enumerate(brand_links) if b), None),
        brand_links=brand_links,
        sentiment=draft.sentiment,
    )


def simulate_answer(
    world: World,
    query: str,
    model: str,
    seed: int,
    *,
    sample: int = 0,
    natural: bool = False,
    web_search: bool = False,
    lies: Lies = NO_LIES,
) -> SimAnswer:
    say = phrases_for(query)  # a model answers in the language it is asked in
    draft = start_draft(world, query, model, seed, sample, natural)
    place_brand(draft, model, natural)
    ordered = _ordered(draft, say)
    citations, brand_links = draw_citations(draft, web_search)
    if natural:
        citations, brand_links = _in_prose_order(ordered, citations, brand_links)
    key = f"{seed}|{model}|{query.lower()}|{world.name.lower()}|{sample}|{natural}"
    _tell_lies(ordered, citations, brand_links, draft, lies, key)
    sources = [(c["url"], c["entity_ref"] or c["domain"]) for c in citations] if web_search else []
    return SimAnswer(
        block=_block(draft, ordered, citations, say),
        truth=_truth(draft, brand_links),
        sources=sources,
    )
