"""The real SDK adapters over HTTP against the simulator: answers, usage and error mapping."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr
from temporalio.exceptions import ApplicationError

from geo.answer import AnswerParseError, parse_answer_block
from geo.profile import Address, PropertyProfile
from surfaces.capabilities import WebSearchStyle
from surfaces.config import Provider, SurfaceConfig
from surfaces.errors import retry_after_seconds, to_application_error
from surfaces.factory import build_surface
from surfaces.prompts import structured_prompt
from tests.llmsim.conftest import SimServer

PROFILE = PropertyProfile(
    name="AMLI Aero",
    address=Address(city="San Diego", state="CA", neighborhood="Kearny Mesa"),
    brand_domains=["amli.com"],
)
SURFACES: dict[str, tuple[Provider, str, str, WebSearchStyle]] = {
    "openai": ("openai", "gpt-5.5", "/v1", "responses_tool"),
    "claude": ("anthropic", "claude-sonnet-5-5", "", "server_tool"),
    "gemini": ("google", "gemini-2.5-flash", "", "google_search"),
    "perplexity": ("perplexity", "sonar-pro", "/v1", "always"),
}
ALL = list(SURFACES)


def surface(sim: SimServer, name: str):  # type: ignore[no-untyped-def]
    provider, model, suffix, search = SURFACES[name]
    return build_surface(
        SurfaceConfig(
            name=name,
            provider=provider,
            model=model,
            base_url=sim.url + suffix,
            api_key=SecretStr("test-key"),
            simulator=True,
            timeout_s=5,
            web_search=search,
        )
    )


async def failure(sim: SimServer, name: str) -> ApplicationError:
    adapter = surface(sim, name)
    try:
        with pytest.raises(Exception) as info:
            await adapter.complete(structured_prompt(PROFILE, "Best apartments in San Diego"))
    finally:
        await adapter.close()
    return to_application_error(info.value, name)


@pytest.mark.parametrize("name", ALL)
async def test_answer_and_usage(sim: SimServer, name: str) -> None:
    adapter = surface(sim, name)
    completion = await adapter.complete(structured_prompt(PROFILE, "AMLI Aero reviews"))
    await adapter.close()
    block = parse_answer_block(completion.text)
    assert block.ordered_entities and completion.input_tokens > 0 and completion.output_tokens > 0
    assert completion.model == SURFACES[name][1]
    assert sim.stats()["by_surface_status"] == {f"{name}:200": 1}


# Gemini's bad key is a 400 (tests/surfaces/test_gemini.py).
@pytest.mark.parametrize("name", ["openai", "claude", "perplexity"])
async def test_401_is_non_retryable_auth_error(sim: SimServer, name: str) -> None:
    sim.configure(auth_fail=[name])
    err = await failure(sim, name)
    assert (err.type, err.non_retryable) == ("AuthError", True)
    assert "401" in str(err) and name in str(err)


@pytest.mark.parametrize("name", ALL)
async def test_429_is_retryable_after_the_servers_delay(sim: SimServer, name: str) -> None:
    sim.configure(rate_limit_rate=1.0, retry_after_s=7)
    err = await failure(sim, name)
    assert (err.type, err.non_retryable) == ("RateLimited", False)
    assert err.next_retry_delay == timedelta(seconds=7)


@pytest.mark.parametrize("name", ALL)
async def test_5xx_and_529_are_retryable(sim: SimServer, name: str) -> None:
    sim.configure(error_rate=1.0)
    err = await failure(sim, name)
    assert (err.type, err.non_retryable) == ("ProviderUnavailable", False)
    assert any(code in str(err) for code in ("500", "503", "529"))


async def test_rpm_limit_answers_429_beyond_the_limit(sim: SimServer) -> None:
    sim.configure(rpm=2)
    adapter = surface(sim, "openai")
    prompt = structured_prompt(PROFILE, "x")
    await adapter.complete(prompt)
    await adapter.complete(prompt)
    with pytest.raises(Exception) as info:
        await adapter.complete(prompt)
    await adapter.close()
    err = to_application_error(info.value, "openai")
    assert err.type == "RateLimited" and err.next_retry_delay is not None
    assert timedelta(seconds=50) < err.next_retry_delay <= timedelta(seconds=60)


async def test_malformed_answers_do_not_parse(sim: SimServer) -> None:
    sim.configure(malformed_rate=1.0)
    adapter = surface(sim, "claude")
    completion = await adapter.complete(structured_prompt(PROFILE, "x"))
    await adapter.close()
    with pytest.raises(AnswerParseError):
        parse_answer_block(completion.text)


async def test_unreachable_endpoint_is_a_retryable_connection_error() -> None:
    adapter = build_surface(
        SurfaceConfig(
            name="openai",
            provider="openai",
            model="gpt-5.5",
            base_url="http://127.0.0.1:9/v1",
            api_key=SecretStr("k"),
            timeout_s=2,
        )
    )
    with pytest.raises(Exception) as info:
        await adapter.complete(structured_prompt(PROFILE, "x"))
    await adapter.close()
    err = to_application_error(info.value, "openai")
    assert err.type in ("ProviderConnection", "ProviderTimeout") and not err.non_retryable


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "x"}, None),
        ({}, None),
        ({"retry-after": "99999"}, 300.0),
    ],
)
def test_retry_after_parsing(headers: dict[str, str], seconds: float | None) -> None:
    assert retry_after_seconds(headers) == seconds


@pytest.mark.parametrize(
    ("name", "api"),
    [
        ("openai", "responses"),
        ("claude", "messages"),
        ("gemini", "gemini"),
        ("perplexity", "chat.completions"),
    ],
)
async def test_web_search_sources_are_parsed(sim: SimServer, name: str, api: str) -> None:
    from surfaces.prompts import natural_prompt

    adapter = surface(sim, name)
    world = (
        '{"name": "AMLI Aero", "city": "San Diego", "state": "CA", '
        '"domains": ["amli.com"], "website": "", "competitors": []}'
    )
    prompt = natural_prompt("Best apartments in Kearny Mesa").model_copy(
        update={"web_search": True, "extra_headers": {"x-llmsim-world": world}}
    )
    completion = await adapter.complete(prompt)
    await adapter.close()
    assert completion.sources and all(s.url.startswith("https://") for s in completion.sources)
    assert len({s.url for s in completion.sources}) == len(completion.sources)
    assert completion.web_searches == 1
    assert "**" in completion.text and "1. " in completion.text  # prose, not JSON
    assert sim.stats()["by_api"] == {api: 1}


@pytest.mark.parametrize("name", ALL)
async def test_structured_with_web_search_keeps_json_and_sources(sim: SimServer, name: str) -> None:
    adapter = surface(sim, name)
    prompt = structured_prompt(PROFILE, "Best apartments in San Diego").model_copy(
        update={"web_search": True}
    )
    completion = await adapter.complete(prompt)
    await adapter.close()
    block = parse_answer_block(completion.text)
    assert {c.url for c in block.citations} == {s.url for s in completion.sources}


def engine(sim: SimServer, model: str, **capabilities: object):  # type: ignore[no-untyped-def]
    """An OpenAI-compatible engine added through EXTRA_SURFACES."""
    return build_surface(
        SurfaceConfig(
            name="engine",
            provider="openai",
            model=model,
            base_url=sim.url + "/v1",
            api_key=SecretStr("k"),
            simulator=True,
            timeout_s=5,
            **capabilities,  # type: ignore[arg-type]
        )
    )


async def test_an_engine_without_the_search_tool_never_gets_it(sim: SimServer) -> None:
    adapter = engine(sim, "llama-4-70b")
    prompt = structured_prompt(PROFILE, "Best apartments in San Diego").model_copy(
        update={"web_search": True}
    )
    completion = await adapter.complete(prompt)
    await adapter.close()
    # Chat Completions, not OpenAI's Responses API with its web_search tool.
    assert sim.stats()["by_api"] == {"chat.completions": 1}
    assert completion.web_searches == 0 and not completion.sources
    parse_answer_block(completion.text)


async def test_an_engine_that_declares_the_search_tool_gets_it(sim: SimServer) -> None:
    adapter = engine(sim, "gpt-5.5", web_search="responses_tool")
    prompt = structured_prompt(PROFILE, "Best apartments in San Diego").model_copy(
        update={"web_search": True}
    )
    completion = await adapter.complete(prompt)
    await adapter.close()
    assert sim.stats()["by_api"] == {"responses": 1} and completion.web_searches == 1


async def test_perplexity_style_citations_become_sources(sim: SimServer) -> None:
    adapter = engine(sim, "sonar-pro", web_search="always")
    completion = await adapter.complete(structured_prompt(PROFILE, "Best apartments near UTC"))
    await adapter.close()
    block = parse_answer_block(completion.text)
    # The engine's own `citations` / `search_results` fields are read, one source per URL.
    assert completion.sources and {s.url for s in completion.sources} == {
        c.url for c in block.citations
    }
    assert all(s.title for s in completion.sources)  # titles from search_results
    assert completion.web_searches == 1  # billed per request, as the engine charges
    assert sim.stats()["by_api"] == {"chat.completions": 1}


async def test_an_engine_without_strict_schema_gets_no_response_format(sim: SimServer) -> None:
    adapter = engine(sim, "llama-4-70b", json_schema=False, temperature=False)
    prompt = structured_prompt(PROFILE, "x").model_copy(update={"temperature": 0.8})
    captured: list[dict[str, object]] = []

    async def record(request: httpx.Request) -> None:
        captured.append(json.loads(request.content))

    adapter._client._client.event_hooks["request"].append(record)
    await adapter.complete(prompt)
    await adapter.close()
    assert "response_format" not in captured[0] and "temperature" not in captured[0]
