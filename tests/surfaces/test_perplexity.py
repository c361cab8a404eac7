"""The Perplexity adapter through the real OpenAI SDK against the simulator over HTTP: its
structured-output dialect, no OpenAI-only tool, sources from every answer, its prices."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from temporalio.testing import ActivityEnvironment

from activities.asking import AskingActivities
from geo.answer import answer_block_schema, parse_answer_block
from surfaces.config import SurfaceConfig
from surfaces.perplexity_surface import PerplexitySurface
from surfaces.prompts import natural_prompt, structured_prompt
from tests.factories import answer_request
from tests.llmsim.conftest import SimServer
from tests.surfaces.test_adapters import PROFILE


def config(sim: SimServer, model: str = "sonar-pro") -> SurfaceConfig:
    return SurfaceConfig(
        name="perplexity",
        provider="perplexity",
        model=model,
        base_url=sim.url + "/v1",
        api_key=SecretStr("pplx-test"),
        simulator=True,
        timeout_s=5,
        web_search="always",
    )


class Sent:
    """The adapter, and each request's path and body as it went over the wire."""

    def __init__(self, adapter: PerplexitySurface) -> None:
        self.adapter = adapter
        self.requests: list[tuple[str, dict[str, Any]]] = []
        adapter._client._client.event_hooks["request"].append(self._record)

    async def _record(self, request: httpx.Request) -> None:
        self.requests.append((request.url.path, json.loads(request.content)))


@pytest.fixture
async def perplexity(sim: SimServer) -> AsyncIterator[Sent]:
    adapter = PerplexitySurface(config(sim))
    yield Sent(adapter)
    await adapter.close()


async def test_structured_output_in_perplexitys_dialect(perplexity: Sent, sim: SimServer) -> None:
    completion = await perplexity.adapter.complete(
        structured_prompt(PROFILE, "Best apartments near UTC")
    )
    path, body = perplexity.requests[0]
    assert path == "/v1/chat/completions"
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"schema": answer_block_schema()},
    }
    block = parse_answer_block(completion.text)
    assert {s.url for s in completion.sources} == {c.url for c in block.citations}
    assert all(s.title for s in completion.sources)  # titles from search_results
    assert completion.web_searches == 1 and completion.model == "sonar-pro"
    assert sim.stats()["by_surface_status"] == {"perplexity:200": 1}


async def test_web_search_sends_no_openai_tool(perplexity: Sent, sim: SimServer) -> None:
    prompt = structured_prompt(PROFILE, "Best apartments near UTC").model_copy(
        update={"web_search": True, "temperature": 0.8}
    )
    await perplexity.adapter.complete(prompt)
    path, body = perplexity.requests[0]
    # Chat Completions, never the Responses API and its web_search tool.
    assert path == "/v1/chat/completions" and "tools" not in body
    assert body["temperature"] == 0.8 and body["max_tokens"] == prompt.max_tokens
    assert sim.stats()["by_api"] == {"chat.completions": 1}


async def test_every_answer_is_cited_even_without_web_search(perplexity: Sent) -> None:
    world = (
        '{"name": "AMLI Aero", "city": "San Diego", "state": "CA", '
        '"domains": ["amli.com"], "website": "", "competitors": []}'
    )
    prompt = natural_prompt("Best apartments in Kearny Mesa").model_copy(
        update={"extra_headers": {"x-llmsim-world": world}}
    )
    completion = await perplexity.adapter.complete(prompt)
    assert "response_format" not in perplexity.requests[0][1]
    assert completion.sources and completion.web_searches == 1
    assert all(s.url in completion.text for s in completion.sources)


async def test_request_fee_and_tokens_at_sonar_pro_prices(sim: SimServer) -> None:
    cfg = config(sim)
    adapter = PerplexitySurface(cfg)
    asking = AskingActivities(adapter, simulated=True, pricing=cfg.pricing)
    req = answer_request("run-1", "q-1", surface="perplexity", text="Best apartments in UTC")
    answer = await ActivityEnvironment().run(asking.ask_natural, req)
    await adapter.close()
    usage = answer.usage
    assert usage.input_tokens > 0 and usage.output_tokens > 0 and usage.web_searches == 1
    # sonar-pro: $3 / $15 per million tokens, $10 per thousand requests (medium context).
    expected = (usage.input_tokens * 3.0 + usage.output_tokens * 15.0) / 1e6 + 10.0 / 1000
    assert usage.cost_usd == pytest.approx(expected)
