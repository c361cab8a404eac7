"""The simulator's Gemini `generateContent` over plain HTTP: the body, grounding, Google's error
bodies for every fault, and Perplexity's always-cited chat completions."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.llmsim.conftest import SimServer

PATH = "/v1beta/models/{model}:generateContent"
STRUCTURED = "Task: Perform a GEO audit for this specific apartment property.\nQuery: Austin"


def generate(
    sim: SimServer,
    *,
    model: str = "gemini-2.5-flash",
    text: str = "Best apartments in Austin",
    version: str = "v1beta",
    grounded: bool = False,
    json_out: bool = False,
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {
        "contents": [{"role": "user", "parts": [{"text": text}]}],
        "systemInstruction": {"role": "user", "parts": [{"text": "Be helpful."}]},
        "generationConfig": {"maxOutputTokens": 100, "temperature": 0.0},
    }
    if grounded:
        body["tools"] = [{"googleSearch": {}}]
    if json_out:
        body["generationConfig"]["responseMimeType"] = "application/json"
    return httpx.post(
        f"{sim.url}/{version}/models/{model}:generateContent",
        json=body,
        headers={"x-goog-api-key": "k", **(headers or {})},
        params=params,
    )


def google_error(response: httpx.Response) -> dict[str, Any]:
    """The error of a Google error body, which must have Google's shape."""
    error: dict[str, Any] = response.json()["error"]
    assert {"code", "message", "status"} <= set(error) and error["code"] == response.status_code
    return error


@pytest.mark.parametrize("version", ["v1beta", "v1"])
def test_an_answer_in_generate_content_format(sim: SimServer, version: str) -> None:
    body = generate(sim, version=version).json()
    candidate = body["candidates"][0]
    assert candidate["content"]["role"] == "model" and candidate["finishReason"] == "STOP"
    assert candidate["content"]["parts"][0]["text"].startswith("Here are places renters")
    assert "groundingMetadata" not in candidate
    usage = body["usageMetadata"]
    assert usage["totalTokenCount"] == (
        usage["promptTokenCount"] + usage["candidatesTokenCount"] + usage["thoughtsTokenCount"]
    )
    assert body["modelVersion"] == "gemini-2.5-flash"
    stats = sim.stats()
    assert stats["by_api"] == {"gemini": 1} and stats["by_surface_status"] == {"gemini:200": 1}
    assert stats["by_model"] == {"gemini-2.5-flash": 1}


def test_google_search_grounds_the_answer(sim: SimServer) -> None:
    body = generate(sim, text=STRUCTURED, grounded=True).json()
    candidate = body["candidates"][0]
    text = candidate["content"]["parts"][0]["text"]
    grounding = candidate["groundingMetadata"]
    assert grounding["webSearchQueries"]
    chunks = grounding["groundingChunks"]
    assert chunks and all(c["web"]["uri"].startswith("https://") for c in chunks)
    # Titled with the site's domain, as Gemini titles them.
    assert all("/" not in c["web"]["title"] for c in chunks)
    cited = [i for s in grounding["groundingSupports"] for i in s["groundingChunkIndices"]]
    assert cited == list(range(len(chunks)))  # every link is in the JSON text, in order
    for support in grounding["groundingSupports"]:
        segment = support["segment"]
        assert (
            text.encode()[segment["startIndex"] : segment["endIndex"]].decode() == (segment["text"])
        )
    usage = body["usageMetadata"]
    assert usage["toolUsePromptTokenCount"] > 0


@pytest.mark.parametrize(("model", "status"), [("gemini-2.5-flash", 400), ("gemini-3-pro", 200)])
def test_json_with_a_tool_is_refused_before_gemini_3(
    sim: SimServer, model: str, status: int
) -> None:
    response = generate(sim, model=model, text=STRUCTURED, grounded=True, json_out=True)
    assert response.status_code == status
    if status == 400:
        error = google_error(response)
        assert error["status"] == "INVALID_ARGUMENT" and "unsupported" in error["message"]


def test_a_bad_body_is_a_400_invalid_argument(sim: SimServer) -> None:
    response = httpx.post(f"{sim.url}{PATH.format(model='gemini-2.5-flash')}", content=b"{no")
    assert response.status_code == 400
    assert google_error(response)["status"] == "INVALID_ARGUMENT"
    assert sim.stats()["by_surface_status"] == {"gemini:400": 1}


def test_a_refused_key_is_a_400_api_key_invalid(sim: SimServer) -> None:
    sim.configure(auth_fail=["gemini"])
    response = generate(sim)
    assert response.status_code == 400
    error = google_error(response)
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["details"][0]["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert error["details"][0]["reason"] == "API_KEY_INVALID"


def test_rate_limits_carry_their_delay_in_retry_info(sim: SimServer) -> None:
    sim.configure(rate_limit_rate=1.0, retry_after_s=1.5)
    response = generate(sim)
    assert response.status_code == 429 and "retry-after" not in response.headers
    error = google_error(response)
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert error["details"] == [
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.5s"}
    ]
    assert sim.stats()["by_fault"] == {"rate_limit": 1}


def test_the_rpm_limit_applies_to_gemini_too(sim: SimServer) -> None:
    sim.configure(rpm=1)
    assert generate(sim).status_code == 200
    response = generate(sim)
    assert response.status_code == 429
    delay = google_error(response)["details"][0]["retryDelay"]
    assert 50 < float(delay.removesuffix("s")) <= 60
    assert sim.stats()["by_fault"] == {"rpm": 1}


def test_server_errors_are_internal_or_unavailable(sim: SimServer) -> None:
    sim.configure(error_rate=1.0)
    statuses = {
        (r.status_code, google_error(r)["status"]) for r in (generate(sim) for _ in range(12))
    }
    assert statuses == {(500, "INTERNAL"), (503, "UNAVAILABLE")}


def test_malformed_breaks_only_json_answers(sim: SimServer) -> None:
    sim.configure(malformed_rate=1.0)
    prose = generate(sim).json()["candidates"][0]["content"]["parts"][0]["text"]
    broken = generate(sim, text=STRUCTURED).json()["candidates"][0]["content"]["parts"][0]["text"]
    assert prose.startswith("Here are places") and broken.startswith("Sure! Here is the audit")
    assert sim.stats()["by_fault"] == {"malformed": 1}


def test_slow_answers_wait(sim: SimServer) -> None:
    sim.configure(slow_rate=1.0, slow_ms=300)
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            f"{sim.url}{PATH.format(model='gemini-2.5-flash')}",
            json={"contents": [{"role": "user", "parts": [{"text": "x"}]}]},
            timeout=0.1,
        )
    # Counted once it is answered, to nobody: wait for it, so no later test counts it.
    deadline = time.monotonic() + 5
    while sim.stats()["answered_after_hang_up"] != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sim.stats()["by_fault"] == {"slow": 1} and sim.stats()["by_api"] == {"gemini": 1}


def test_the_key_may_come_as_a_query_parameter(sim: SimServer) -> None:
    generate(sim, headers={"x-goog-api-key": ""}, params={"key": "AIza-one"})
    generate(sim, headers={"x-goog-api-key": "AIza-two"})
    fingerprints = sim.stats()["key_fingerprints"]
    assert isinstance(fingerprints, list) and len(fingerprints) == 2


def chat(sim: SimServer, model: str, surface: str) -> dict[str, Any]:
    response = httpx.post(
        f"{sim.url}/v1/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": "Best apartments"}]},
        headers={"x-llmsim-surface": surface},
    )
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("model", "surface", "cited"),
    [
        ("sonar-pro", "perplexity", True),
        ("r1-1776", "perplexity", True),  # the perplexity surface always answers cited
        ("sonar", "engine", True),  # a sonar model searches wherever it is configured
        ("gpt-5.5", "openai", False),
    ],
)
def test_perplexity_answers_with_citations_and_search_results(
    sim: SimServer, model: str, surface: str, cited: bool
) -> None:
    body = chat(sim, model, surface)
    assert ("citations" in body) is cited and ("search_results" in body) is cited
    if cited:
        assert body["citations"] == [r["url"] for r in body["search_results"]]
        assert all(r["title"] for r in body["search_results"])
