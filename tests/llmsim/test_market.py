"""The simulator's market and answers are deterministic and grounded in the prompt."""

from __future__ import annotations

import httpx

from geo.answer import coerce_answer_block
from geo.profile import Address, Competitor, PropertyProfile, brand_context
from geo.scoring import score_answer
from llmsim.answers import simulate_answer
from llmsim.market import market, parse_structured_prompt
from surfaces.prompts import structured_prompt
from tests.llmsim.conftest import SimServer

PROFILE = PropertyProfile(
    name="AMLI Aero",
    address=Address(city="San Diego", state="CA"),
    brand_domains=["amli.com"],
    competitors=[Competitor(name="Avalon La Jolla", domain="avaloncommunities.com")],
)


def facts(query: str):  # type: ignore[no-untyped-def]
    return parse_structured_prompt(structured_prompt(PROFILE, query).user)


def structured_answer(parsed, model: str, seed: int):  # type: ignore[no-untyped-def]
    world, query = parsed
    return simulate_answer(world, query, model, seed).block


def test_prompt_round_trip() -> None:
    world, query = facts("Best apartments in San Diego")
    assert (world.name, world.city, world.state, world.domains) == (
        "AMLI Aero",
        "San Diego",
        "CA",
        ["amli.com"],
    )
    assert world.competitors == [("Avalon La Jolla", "avaloncommunities.com")]
    assert query == "Best apartments in San Diego"


def test_market_is_stable_per_city_and_seed() -> None:
    assert market("San Diego", "CA", 42) == market("san diego", "ca", 42)
    assert market("San Diego", "CA", 42) != market("Austin", "TX", 42)
    assert market("San Diego", "CA", 42) != market("San Diego", "CA", 7)


def test_answers_are_deterministic_and_valid() -> None:
    one = structured_answer(facts("Pet friendly apartments"), "gpt-5.5", 42)
    assert one == structured_answer(facts("Pet friendly apartments"), "gpt-5.5", 42)
    block = coerce_answer_block(one)
    assert [e.position for e in block.ordered_entities] == list(
        range(1, len(block.ordered_entities) + 1)
    )
    assert ("no_sources" in block.notes.flags) == (not block.citations)


def test_branded_questions_usually_rank_the_brand_first() -> None:
    brand = brand_context(PROFILE)
    ranks = [
        score_answer(coerce_answer_block(structured_answer(facts(q), m, 42)), brand).llm_rank
        for q in (
            "What is AMLI Aero?",
            "AMLI Aero reviews",
            "Tell me about AMLI Aero",
            "AMLI Aero apartments",
            "How do I apply to AMLI Aero?",
        )
        for m in ("gpt-5.5", "claude-sonnet-5-5")
    ]
    assert sum(r == 1 for r in ranks) >= 6


def test_stats_count_by_status_and_config_validates(sim: SimServer) -> None:
    sim.configure(auth_fail="claude,other")
    assert httpx.get(f"{sim.url}/_sim/config").json()["auth_fail"] == ["claude", "other"]
    bad = httpx.post(f"{sim.url}/_sim/config", json={"error_rate": 2})
    assert bad.status_code == 422
    r = httpx.post(
        f"{sim.url}/v1/messages",
        json={"model": "m", "max_tokens": 5, "messages": []},
        headers={"x-llmsim-surface": "claude"},
    )
    assert r.status_code == 401 and r.json()["error"]["type"] == "authentication_error"
    r = httpx.post(f"{sim.url}/v1/chat/completions", content=b"nope")
    assert r.status_code == 400
    stats = sim.stats()
    assert stats["by_status"] == {"401": 1, "400": 1}


def test_each_kind_of_prompt_gets_its_kind_of_answer(sim: SimServer) -> None:
    """Summary, extraction, structured and natural prompts are told apart."""
    import json as _json

    from surfaces.prompts import extraction_prompt, natural_prompt, summary_prompt

    prompts = {
        "summary": summary_prompt("AMLI Aero", _json.dumps({"visibility": {"openai": 50}})),
        "extraction": extraction_prompt(PROFILE, "q", "1. **AMLI Aero** — nice."),
        "structured": structured_prompt(PROFILE, "Best apartments in San Diego"),
        "natural": natural_prompt("Best apartments in San Diego"),
    }
    for prompt in prompts.values():
        httpx.post(
            f"{sim.url}/v1/chat/completions",
            json={"model": "gpt-5.5", "messages": [{"role": "user", "content": prompt.user}]},
        ).raise_for_status()
    assert sim.stats()["by_kind"] == dict.fromkeys(prompts, 1)
