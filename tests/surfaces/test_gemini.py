"""The Gemini adapter through the real google-genai SDK against the simulator over HTTP: what
it sends, what it reads back (grounding, usage, cost), and how Google's errors map."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from google.genai import errors as genai_errors
from google.genai import types
from pydantic import SecretStr
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.asking import AskingActivities
from contracts.errors import FATAL_SURFACE_ERRORS
from geo.answer import answer_block_schema, parse_answer_block
from surfaces import gemini_surface
from surfaces.config import SurfaceConfig
from surfaces.errors import TRANSPORT_ERRORS, retry_delay_seconds, to_application_error
from surfaces.gemini_surface import (
    GeminiSurface,
    client_options,
    grounded_sources,
    schema_with_grounding,
)
from surfaces.prompts import natural_prompt, structured_prompt
from tests.factories import answer_request
from tests.llmsim.conftest import SimServer
from tests.surfaces.test_adapters import PROFILE

WORLD = json.dumps(
    {
        "name": "AMLI Aero",
        "city": "San Diego",
        "state": "CA",
        "domains": ["amli.com"],
        "website": "",
        "competitors": [],
    }
)


class Recorded:
    """What went over the wire: each request's path and body, each response's JSON."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.sent: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []

    async def request(self, request: httpx.Request) -> None:
        self.paths.append(request.url.path)
        self.sent.append(json.loads(request.content))

    async def response(self, response: httpx.Response) -> None:
        await response.aread()
        self.received.append(response.json())


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> Recorded:
    """Adapters built in the test record their traffic (the SDK's HTTP client takes event
    hooks only when it is built)."""
    recorded = Recorded()

    def recording(config: SurfaceConfig) -> types.HttpOptions:
        options = client_options(config)
        hooks = {"request": [recorded.request], "response": [recorded.response]}
        options.async_client_args = {"event_hooks": hooks}
        return options

    monkeypatch.setattr(gemini_surface, "client_options", recording)
    return recorded


def config(sim: SimServer, model: str = "gemini-2.5-flash") -> SurfaceConfig:
    return SurfaceConfig(
        name="gemini",
        provider="google",
        model=model,
        base_url=sim.url,
        api_key=SecretStr("test-key"),
        simulator=True,
        timeout_s=5,
        web_search="google_search",
    )


@pytest.fixture
async def gemini(sim: SimServer, wire: Recorded) -> AsyncIterator[GeminiSurface]:
    adapter = GeminiSurface(config(sim))
    yield adapter
    await adapter.close()


async def failure(adapter: GeminiSurface) -> ApplicationError:
    with pytest.raises(genai_errors.APIError) as info:
        await adapter.complete(structured_prompt(PROFILE, "Best apartments in San Diego"))
    return to_application_error(info.value, "gemini")


async def test_structured_answer_under_the_json_schema(
    gemini: GeminiSurface, wire: Recorded, sim: SimServer
) -> None:
    completion = await gemini.complete(structured_prompt(PROFILE, "AMLI Aero reviews"))
    block = parse_answer_block(completion.text)
    assert block.ordered_entities and completion.finish_reason == "STOP"
    assert wire.paths == ["/v1beta/models/gemini-2.5-flash:generateContent"]
    sent = wire.sent[0]
    assert sent["generationConfig"]["responseMimeType"] == "application/json"
    assert sent["generationConfig"]["responseJsonSchema"] == answer_block_schema()
    assert "GEO audit assistant" in sent["systemInstruction"]["parts"][0]["text"]
    assert "tools" not in sent and not completion.sources and completion.web_searches == 0
    assert sim.stats()["by_api"] == {"gemini": 1}
    assert sim.stats()["by_surface_status"] == {"gemini:200": 1}


async def test_natural_answer_is_prose_without_a_schema(
    gemini: GeminiSurface, wire: Recorded
) -> None:
    prompt = natural_prompt("Best apartments in Kearny Mesa").model_copy(
        update={"extra_headers": {"x-llmsim-world": WORLD}, "temperature": 0.8}
    )
    completion = await gemini.complete(prompt)
    assert "**" in completion.text and "1. " in completion.text
    config = wire.sent[0]["generationConfig"]
    assert "responseMimeType" not in config and config["temperature"] == 0.8
    assert config["maxOutputTokens"] == prompt.max_tokens


async def test_grounding_chunks_become_sources_in_the_order_the_text_cites_them(
    gemini: GeminiSurface, wire: Recorded, sim: SimServer
) -> None:
    prompt = natural_prompt("Best apartments in Kearny Mesa").model_copy(
        update={"web_search": True, "extra_headers": {"x-llmsim-world": WORLD}}
    )
    completion = await gemini.complete(prompt)
    assert wire.sent[0]["tools"] == [{"googleSearch": {}}]
    grounding = wire.received[0]["candidates"][0]["groundingMetadata"]
    chunks = [c["web"] for c in grounding["groundingChunks"]]
    assert [s.url for s in completion.sources] == [c["uri"] for c in chunks]
    assert [s.title for s in completion.sources] == [c["title"] for c in chunks]
    positions = [completion.text.index(s.url) for s in completion.sources]
    assert positions == sorted(positions)
    # Segments are UTF-8 byte offsets into the answer's text.
    raw = completion.text.encode()
    for support in grounding["groundingSupports"]:
        segment = support["segment"]
        assert raw[segment["startIndex"] : segment["endIndex"]].decode() == segment["text"]
    assert completion.web_searches == 1
    assert sim.stats()["by_api"] == {"gemini": 1}


async def test_gemini_2_grounded_structured_answer_keeps_the_schema_in_the_prompt(
    gemini: GeminiSurface, wire: Recorded
) -> None:
    prompt = structured_prompt(PROFILE, "Best apartments in San Diego").model_copy(
        update={"web_search": True}
    )
    completion = await gemini.complete(prompt)
    # Gemini 2.x answers 400 to a JSON response with a tool: the schema is not sent.
    assert "responseMimeType" not in wire.sent[0]["generationConfig"]
    assert wire.sent[0]["tools"] == [{"googleSearch": {}}]
    block = parse_answer_block(completion.text)
    assert {c.url for c in block.citations} == {s.url for s in completion.sources}


async def test_gemini_3_takes_the_schema_with_grounding(sim: SimServer, wire: Recorded) -> None:
    adapter = GeminiSurface(config(sim, "gemini-3-pro-preview"))
    prompt = structured_prompt(PROFILE, "Best apartments in San Diego").model_copy(
        update={"web_search": True}
    )
    completion = await adapter.complete(prompt)
    await adapter.close()
    sent = wire.sent[0]
    assert sent["tools"] == [{"googleSearch": {}}]
    assert sent["generationConfig"]["responseJsonSchema"] == answer_block_schema()
    assert parse_answer_block(completion.text) and completion.sources


@pytest.mark.parametrize(
    ("model", "together"),
    [
        ("gemini-2.5-flash", False),
        ("gemini-2.0-flash", False),
        ("gemini-3-pro-preview", True),
        ("gemini-3.1-flash", True),
    ],
)
def test_which_models_take_a_schema_with_grounding(model: str, together: bool) -> None:
    assert schema_with_grounding(model) is together


async def test_tokens_and_cost_are_accounted_at_geminis_prices(
    sim: SimServer, wire: Recorded
) -> None:
    cfg = config(sim)
    adapter = GeminiSurface(cfg)
    asking = AskingActivities(adapter, simulated=True, pricing=cfg.pricing)
    req = answer_request("run-1", "q-1", surface="gemini", text="Best apartments in Kearny Mesa")
    answer = await ActivityEnvironment().run(
        asking.ask_natural, req.model_copy(update={"web_search": True})
    )
    await adapter.close()
    reported = wire.received[0]["usageMetadata"]
    usage = answer.usage
    # Search results read into the prompt bill as input; thinking bills as output.
    assert usage.input_tokens == reported["promptTokenCount"] + reported["toolUsePromptTokenCount"]
    assert usage.output_tokens == reported["candidatesTokenCount"] + reported["thoughtsTokenCount"]
    assert usage.web_searches == 1 and answer.sources
    # gemini-2.5-flash: $0.30 / $2.50 per million tokens, grounding $35 per thousand prompts.
    expected = (usage.input_tokens * 0.30 + usage.output_tokens * 2.50) / 1e6 + 35 / 1000
    assert usage.cost_usd == pytest.approx(expected)
    assert usage.model == "gemini-2.5-flash"


async def test_429_waits_the_delay_its_retry_info_gives(
    gemini: GeminiSurface, sim: SimServer
) -> None:
    sim.configure(rate_limit_rate=1.0, retry_after_s=1.5)
    err = await failure(gemini)
    assert (err.type, err.non_retryable) == ("RateLimited", False)
    assert err.next_retry_delay == timedelta(seconds=1.5)
    assert "RESOURCE_EXHAUSTED" in str(err)
    # Temporal owns retries: the SDK asked once.
    assert sim.stats()["by_status"] == {"429": 1}


async def test_the_rpm_limit_says_when_a_slot_frees_up(
    gemini: GeminiSurface, sim: SimServer
) -> None:
    sim.configure(rpm=1)
    await gemini.complete(structured_prompt(PROFILE, "x"))
    err = await failure(gemini)
    assert err.type == "RateLimited" and err.next_retry_delay is not None
    assert timedelta(seconds=50) < err.next_retry_delay <= timedelta(seconds=60)


async def test_server_errors_are_retryable_and_asked_once(
    gemini: GeminiSurface, sim: SimServer
) -> None:
    sim.configure(error_rate=1.0)
    for _ in range(4):
        err = await failure(gemini)
        assert (err.type, err.non_retryable) == ("ProviderUnavailable", False)
        assert "INTERNAL" in str(err) or "UNAVAILABLE" in str(err)
    assert sum(sim.stats()["by_status"].values()) == 4  # type: ignore[attr-defined]


async def test_a_bad_key_stops_the_surface_within_seconds(
    gemini: GeminiSurface, sim: SimServer
) -> None:
    sim.configure(auth_fail=["gemini"])
    started = time.monotonic()
    err = await failure(gemini)
    assert time.monotonic() - started < 2
    assert (err.type, err.non_retryable) == ("AuthError", True)
    assert err.type in FATAL_SURFACE_ERRORS
    assert "API_KEY_INVALID" in str(err) and "gemini" in str(err)


async def test_gemini_2_refuses_json_with_a_tool_as_a_bad_request(sim: SimServer) -> None:
    """What the adapter avoids, as the API answers it: a 400 that fails the question only."""
    body = {
        "contents": [{"role": "user", "parts": [{"text": "x"}]}],
        "tools": [{"googleSearch": {}}],
        "generationConfig": {"responseMimeType": "application/json"},
    }
    response = httpx.post(
        f"{sim.url}/v1beta/models/gemini-2.5-flash:generateContent",
        json=body,
        headers={"x-goog-api-key": "k"},
    )
    err = to_application_error(genai_errors.ClientError(400, response.json(), None), "gemini")
    assert (err.type, err.non_retryable) == ("BadRequest", True)
    assert err.type not in FATAL_SURFACE_ERRORS


@pytest.mark.parametrize(
    ("code", "status", "reason", "expected"),
    [
        (400, "INVALID_ARGUMENT", None, ("BadRequest", True)),
        (400, "INVALID_ARGUMENT", "API_KEY_INVALID", ("AuthError", True)),
        (401, "UNAUTHENTICATED", None, ("AuthError", True)),
        (403, "PERMISSION_DENIED", None, ("PermissionDenied", True)),
        (400, "FAILED_PRECONDITION", None, ("PermissionDenied", True)),
        (404, "NOT_FOUND", None, ("NotFound", True)),
        (429, "RESOURCE_EXHAUSTED", None, ("RateLimited", False)),
        (500, "INTERNAL", None, ("ProviderUnavailable", False)),
        (503, "UNAVAILABLE", None, ("ProviderUnavailable", False)),
        (504, "DEADLINE_EXCEEDED", None, ("ProviderUnavailable", False)),
    ],
)
def test_google_statuses_map_to_retryable_or_not(
    code: int, status: str, reason: str | None, expected: tuple[str, bool]
) -> None:
    details = (
        [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason}] if reason else []
    )
    body = {"error": {"code": code, "message": "m", "status": status, "details": details}}
    kind = genai_errors.ClientError if code < 500 else genai_errors.ServerError
    err = to_application_error(kind(code, body, None), "gemini")
    assert (err.type, err.non_retryable) == expected
    assert f"HTTP {code} {status}" in str(err)


@pytest.mark.parametrize(
    ("delay", "seconds"),
    [("7s", 7.0), ("1.5s", 1.5), ("0.125s", 0.125), ({"seconds": 2, "nanos": 5e8}, 2.5)],
)
def test_retry_info_delays(delay: object, seconds: float) -> None:
    details = [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": []},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay},
    ]
    assert retry_delay_seconds(details) == seconds
    assert retry_delay_seconds([]) is None and retry_delay_seconds(None) is None


async def test_an_unreachable_endpoint_is_a_retryable_connection_error() -> None:
    adapter = GeminiSurface(
        SurfaceConfig(
            name="gemini",
            provider="google",
            model="gemini-2.5-flash",
            base_url="http://127.0.0.1:9",
            api_key=SecretStr("k"),
            timeout_s=2,
        )
    )
    with pytest.raises(TRANSPORT_ERRORS) as info:
        await adapter.complete(structured_prompt(PROFILE, "x"))
    await adapter.close()
    err = to_application_error(info.value, "gemini")
    assert err.type in ("ProviderConnection", "ProviderTimeout") and not err.non_retryable


def test_grounding_redirects_become_their_sites() -> None:
    """Real grounding chunks point at an expiring redirect titled with the page's domain; the
    text cites them out of order, and one chunk was retrieved but never cited."""
    redirect = "https://vertexaisearch.cloud.google.com/grounding-api-redirect/"
    grounding = types.GroundingMetadata(
        grounding_chunks=[
            types.GroundingChunk(web=types.GroundingChunkWeb(uri=redirect + "a", title="AMLI.com")),
            types.GroundingChunk(web=types.GroundingChunkWeb(uri=redirect + "b", title="Zillow")),
            types.GroundingChunk(
                web=types.GroundingChunkWeb(uri="https://www.apartments.com/x", title="x")
            ),
        ],
        grounding_supports=[
            types.GroundingSupport(grounding_chunk_indices=[2]),
            types.GroundingSupport(grounding_chunk_indices=[0, 2, 7]),
        ],
    )
    assert [(s.url, s.title) for s in grounded_sources(grounding)] == [
        ("https://www.apartments.com/x", "x"),
        ("https://amli.com/", "AMLI.com"),
        (redirect + "b", "Zillow"),  # a title that is no domain: the link is all there is
    ]
    assert grounded_sources(None) == []
