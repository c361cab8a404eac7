"""What the simulated model says: the kind of prompt decides which simulated answer is written.

PropertyAudit sends four kinds of prompt, each recognised by a phrase only it contains: the
batch summary, the phase-2 extraction of a natural answer, the structured audit question, and
anything else, which is a natural question asked the way a person would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from llmsim.answers import simulate_answer
from llmsim.apis import Sources
from llmsim.knobs import SimConfig
from llmsim.market import World, parse_structured_prompt
from llmsim.prose import extract, parse_extraction_prompt, render
from llmsim.state import SimState
from llmsim.summary import write_summary

# Only the kinds a client parses as JSON can be malformed; prose has no format to break.
MALFORMABLE = ("structured", "extraction")


@dataclass(frozen=True)
class Ask:
    """One admitted question and all the simulated model needs to answer it."""

    prompt: str
    model: str
    web_search: bool
    config: SimConfig
    sample: int = 0  # `x-llmsim-sample`: the n-th asking of the same question
    world_header: str | None = None  # `x-llmsim-world`: what a natural question leaves unsaid


def kind_of(prompt: str) -> str:
    if "<analysis>" in prompt and "cross-model audit" in prompt:
        return "summary"
    if "GEO audit analyzer" in prompt:
        return "extraction"
    if "Task: Perform a GEO audit" in prompt:
        return "structured"
    return "natural"


def _summary(ask: Ask) -> tuple[str, Sources]:
    return json.dumps(write_summary(ask.prompt)), []


def _extraction(ask: Ask) -> tuple[str, Sources]:
    asked = parse_extraction_prompt(ask.prompt)
    envelope = extract(
        asked.response,
        asked.brand,
        asked.place,
        brand_domain=asked.domains[0] if asked.domains else "",
        lie_rate=ask.config.lie_extraction_rate,
    )
    return json.dumps(envelope), []


def _structured(ask: Ask) -> tuple[str, Sources]:
    world, query = parse_structured_prompt(ask.prompt)
    sim = simulate_answer(
        world,
        query,
        ask.model,
        ask.config.seed,
        sample=ask.sample,
        web_search=ask.web_search,
        lies=ask.config.lies,
    )
    return json.dumps(sim.block), sim.sources


def _natural(ask: Ask) -> tuple[str, Sources]:
    query = ask.prompt.strip()
    sim = simulate_answer(
        World.from_header(ask.world_header),
        query,
        ask.model,
        ask.config.seed,
        sample=ask.sample,
        natural=True,
        web_search=ask.web_search,
        lies=ask.config.lies,
    )
    return render(sim.block, query), sim.sources


WRITERS: dict[str, Callable[[Ask], tuple[str, Sources]]] = {
    "summary": _summary,
    "extraction": _extraction,
    "structured": _structured,
    "natural": _natural,
}


def malformed(text: str) -> str:
    """JSON a chatty model broke: a preamble, then cut off halfway."""
    return "Sure! Here is the audit: " + text[: len(text) // 2]


def reply(state: SimState, ask: Ask, fault: str | None) -> tuple[str, Sources]:
    """(text, web sources) for an admitted request; counts its kind and a malformed fault."""
    kind = kind_of(ask.prompt)
    text, sources = WRITERS[kind](ask)
    if fault == "malformed" and kind in MALFORMABLE:
        text = malformed(text)
        state.count_fault("malformed")
    state.count_kind(kind)
    return text, sources
