"""Gemini and Perplexity through their real SDKs and the activities' calls, against the
simulator's market: searched answers (structured, and natural in two phases) score as the
ground truth says, so grounding and citations carry the answer's links intact; the batch
summary comes back under its schema."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr
from temporalio.testing import ActivityEnvironment

from activities.asking import AskingActivities
from activities.recording import evidence_of
from contracts.asking import AnswerRequest, Ask, ExtractRequest
from contracts.audit import QuerySpec, SummaryRequest
from geo.panel import PanelQuery, generate_panel
from geo.profile import Address, Competitor, PropertyProfile, brand_context
from geo.scoring import score_answer
from llmsim.answers import simulate_answer
from llmsim.market import World, parse_structured_prompt
from surfaces.base import Surface
from surfaces.capabilities import WebSearchStyle
from surfaces.config import Provider, SurfaceConfig
from surfaces.factory import build_surface
from surfaces.prompts import natural_prompt, structured_prompt
from tests.llmsim.conftest import SimServer

PROFILE = PropertyProfile(
    name="AMLI Aero",
    address=Address(neighborhood="Kearny Mesa", city="San Diego", state="CA"),
    website_url="https://www.amli.com/apartments/san-diego/kearny-mesa-apartments/amli-aero",
    brand_domains=["amli.com"],
    amenities=["Pool", "Fitness center", "Dog park", "EV charging"],
    competitors=[Competitor(name="Avalon La Jolla", domain="avaloncommunities.com")],
)
SURFACES: dict[str, tuple[Provider, str, str, WebSearchStyle]] = {
    "gemini": ("google", "gemini-2.5-flash", "", "google_search"),
    "perplexity": ("perplexity", "sonar-pro", "/v1", "always"),
}


@pytest.fixture(params=list(SURFACES))
async def asking(request: pytest.FixtureRequest, sim: SimServer) -> AsyncIterator[AskingActivities]:
    name: str = request.param
    provider, model, root, search = SURFACES[name]
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
    spec = QuerySpec(query_id=f"q{index}", text=query.text, type=query.type, index=index)
    ask = Ask(run_id="run-1", query=spec, total_asks=1)
    return AnswerRequest(surface=surface, ask=ask, profile=PROFILE, web_search=True)


async def test_structured_answers_score_as_the_truth_says(asking: AskingActivities) -> None:
    surface, model = asking.caller.surface.name, asking.caller.surface.model
    brand = brand_context(PROFILE)
    panel = generate_panel(PROFILE)
    present = 0
    for i, query in enumerate(panel):
        answer = await ActivityEnvironment().run(
            asking.ask_structured, answer_request(surface, query, i + 1)
        )
        prompt = structured_prompt(PROFILE, query.text)
        world, asked = parse_structured_prompt(prompt.user)
        truth = simulate_answer(world, asked, model, 42, web_search=True).truth
        got = score_answer(answer.block, brand)
        assert (got.presence, got.llm_rank, got.link_rank) == (
            truth.presence,
            truth.rank,
            truth.link_rank,
        ), query.text
        assert answer.usage.web_searches == 1 and answer.usage.cost_usd > 0
        present += truth.presence
    assert len(panel) >= 12 and 0 < present < len(panel)  # both outcomes were exercised


async def test_natural_answers_score_as_the_truth_says(asking: AskingActivities) -> None:
    surface, model = asking.caller.surface.name, asking.caller.surface.model
    brand = brand_context(PROFILE)
    world = World.from_profile(PROFILE)
    env = ActivityEnvironment()
    linked = 0
    for i, query in enumerate(generate_panel(PROFILE)):
        req = answer_request(surface, query, i + 1)
        natural = await env.run(asking.ask_natural, req)
        answer = await env.run(
            asking.extract,
            ExtractRequest(surface=surface, ask=req.ask, profile=PROFILE, natural=natural),
        )
        asked = natural_prompt(query.text).user
        truth = simulate_answer(world, asked, model, 42, natural=True, web_search=True).truth
        got = score_answer(answer.block, brand, evidence=evidence_of(answer))
        assert (got.presence, got.llm_rank, got.link_rank) == (
            truth.presence,
            truth.rank,
            truth.link_rank,
        ), query.text
        # Gemini grounds the first phase only; Perplexity searches, and bills, on every call.
        assert answer.usage.web_searches == (2 if surface == "perplexity" else 1)
        linked += truth.link_rank is not None
    assert linked > 0


async def test_the_batch_summary_under_its_schema(asking: AskingActivities) -> None:
    surface = asking.caller.surface.name
    analysis = {"visibility": {"gemini": 40.0, "perplexity": 60.0}, "agreement_rate": 50.0}
    summary = await ActivityEnvironment().run(
        asking.summarize_batch,
        SummaryRequest(surface=surface, property_name="AMLI Aero", analysis=analysis),
    )
    assert summary["source"] == "llm" and "50%" in summary["summary"]
    assert summary["usage"]["surface"] == surface and summary["usage"]["cost_usd"] > 0
