"""Spanish questions through the real SDK adapters and the activities' calls, against the
simulator: the answers come back in Spanish, and scored by the production code (brand matching,
ranks from the list, links from the URLs, presence from the prose in natural mode) every one
is what the simulator's ground truth says, in structured and in natural mode."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr
from temporalio.testing import ActivityEnvironment

from activities.asking import AskingActivities
from activities.recording import evidence_of
from cli.example import EXAMPLE_PROPERTY
from contracts.asking import AnswerRequest, Ask, AskResult, ExtractRequest
from contracts.audit import QuerySpec
from geo.panel import PanelQuery
from geo.panel_spec import PanelSpec, build_panel
from geo.profile import PropertyProfile, brand_context
from geo.rescoring import location_stated
from geo.scoring import score_answer
from llmsim.answers import Truth, simulate_answer
from llmsim.language import PHRASES
from llmsim.market import World, parse_structured_prompt
from surfaces.base import Surface
from surfaces.capabilities import WebSearchStyle
from surfaces.config import Provider, SurfaceConfig
from surfaces.factory import build_surface
from surfaces.prompts import natural_prompt, structured_prompt
from tests.llmsim.conftest import SimServer

PROFILE = PropertyProfile.model_validate(EXAMPLE_PROPERTY)  # AMLI Aero, San Diego
# (provider, model, path, search style, web search asked)
SURFACES: dict[str, tuple[Provider, str, str, WebSearchStyle, bool]] = {
    "openai": ("openai", "gpt-5.5", "/v1", "responses_tool", False),
    "claude": ("anthropic", "claude-sonnet-5-5", "", "server_tool", True),
    "gemini": ("google", "gemini-2.5-flash", "", "google_search", True),
    "perplexity": ("perplexity", "sonar-pro", "/v1", "always", True),
}
SPANISH = PHRASES["es"]


def spanish_panel() -> list[PanelQuery]:
    """The general panel and the target audience's personas (families, relocating
    professionals), in Spanish."""
    return build_panel(PROFILE, PanelSpec(personas=("auto",), languages=("es",))).queries


@pytest.fixture(params=list(SURFACES))
async def asking(request: pytest.FixtureRequest, sim: SimServer) -> AsyncIterator[AskingActivities]:
    name: str = request.param
    provider, model, root, search, _ = SURFACES[name]
    config = SurfaceConfig(
        name=name,
        provider=provider,
        model=model,
        base_url=sim.url + root,
        api_key=SecretStr("k"),
        simulator=True,
        timeout_s=5,
        web_search=search,
    )
    adapter: Surface = build_surface(config)
    yield AskingActivities(adapter, simulated=True, pricing=config.pricing)
    await adapter.close()


def answer_request(surface: str, query: PanelQuery, index: int) -> AnswerRequest:
    spec = QuerySpec(
        query_id=f"q{index}",
        text=query.text,
        type=query.type,
        index=index,
        persona=query.persona,
        language=query.language,
    )
    return AnswerRequest(
        surface=surface,
        ask=Ask(run_id="run-1", query=spec, total_asks=1),
        profile=PROFILE,
        web_search=SURFACES[surface][4],
    )


def check(answer: AskResult, truth: Truth, text: str) -> bool:
    """The answer scored as an audit scores it is the truth; returns whether the brand is in it."""
    got = score_answer(
        answer.block,
        brand_context(PROFILE),
        location_stated=location_stated(answer.analysis),
        evidence=evidence_of(answer),
    )
    want = (truth.presence, truth.rank, truth.link_rank)
    assert (got.presence, got.llm_rank, got.link_rank) == want, text
    if truth.presence:  # the tone was read from Spanish words
        assert got.sentiment == truth.sentiment, text
    return truth.presence


async def test_structured_spanish_answers_score_as_the_truth(asking: AskingActivities) -> None:
    surface, model = asking.caller.surface.name, asking.caller.surface.model
    panel = spanish_panel()
    present = 0
    for i, query in enumerate(panel, start=1):
        answer = await ActivityEnvironment().run(
            asking.ask_structured, answer_request(surface, query, i)
        )
        assert answer.block.answer_summary.startswith("Los inquilinos suelen considerar ")
        world, asked = parse_structured_prompt(structured_prompt(PROFILE, query.text).user)
        web = SURFACES[surface][4]
        truth = simulate_answer(world, asked, model, 42, web_search=web).truth
        present += check(answer, truth, query.text)
    assert len(panel) >= 35 and 0 < present < len(panel)  # both outcomes were exercised


async def test_natural_spanish_answers_score_as_the_truth(asking: AskingActivities) -> None:
    surface, model = asking.caller.surface.name, asking.caller.surface.model
    world = World.from_profile(PROFILE)
    env = ActivityEnvironment()
    present = linked = 0
    for i, query in enumerate(spanish_panel(), start=1):
        req = answer_request(surface, query, i)
        natural = await env.run(asking.ask_natural, req)
        assert natural.text.startswith(SPANISH.opening), natural.text
        answer = await env.run(
            asking.extract,
            ExtractRequest(surface=surface, ask=req.ask, profile=PROFILE, natural=natural),
        )
        asked = natural_prompt(query.text).user
        web = SURFACES[surface][4]
        truth = simulate_answer(world, asked, model, 42, natural=True, web_search=web).truth
        present += check(answer, truth, query.text)
        linked += truth.link_rank is not None
    assert present > 0 and linked > 0
