"""The simulator over HTTP: each API's refusals in its own error format, the counters, the knobs."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from llmsim.knobs import ServeSettings
from tests.llmsim.conftest import SimServer

ROUTES = {
    "chat.completions": "/v1/chat/completions",
    "responses": "/v1/responses",
    "messages": "/v1/messages",
}
MODEL = {"chat.completions": "gpt-5.5", "responses": "gpt-5.5", "messages": "claude-sonnet-5-5"}


def ask(sim: SimServer, api: str, **headers: str) -> httpx.Response:
    body: dict[str, Any] = {"model": MODEL[api], "max_tokens": 100}
    if api == "responses":
        body["input"] = "Best apartments in Austin"
    else:
        body["messages"] = [{"role": "user", "content": "Best apartments in Austin"}]
    return httpx.post(f"{sim.url}{ROUTES[api]}", json=body, headers=headers)


def error_of(api: str, response: httpx.Response) -> tuple[str, str]:
    """(type, message) of an error body, which must be in the API's own format."""
    body = response.json()
    if api == "messages":
        assert body["type"] == "error" and set(body["error"]) == {"type", "message"}
    else:
        assert set(body["error"]) == {"message", "type", "param", "code"}
    return body["error"]["type"], body["error"]["message"]


@pytest.mark.parametrize("api", ROUTES)
def test_a_body_without_a_model_is_a_400(sim: SimServer, api: str) -> None:
    response = httpx.post(f"{sim.url}{ROUTES[api]}", content=b"{not json")
    assert response.status_code == 400
    assert error_of(api, response) == (
        "invalid_request_error",
        "request body must be a JSON object with a model",
    )
    surface = "claude" if api == "messages" else "openai"
    assert sim.stats()["by_surface_status"] == {f"{surface}:400": 1}


@pytest.mark.parametrize("api", ROUTES)
def test_refused_keys_are_a_401(sim: SimServer, api: str) -> None:
    sim.configure(auth_fail=["mine"])
    response = ask(sim, api, **{"x-llmsim-surface": "mine"})
    assert response.status_code == 401
    kind, _ = error_of(api, response)
    assert kind == ("authentication_error" if api == "messages" else "invalid_request_error")
    if api != "messages":
        assert response.json()["error"]["code"] == "invalid_api_key"


@pytest.mark.parametrize("api", ROUTES)
def test_rate_limits_are_a_429_with_retry_after(sim: SimServer, api: str) -> None:
    sim.configure(rate_limit_rate=1.0, retry_after_s=1.5)
    response = ask(sim, api)
    assert response.status_code == 429 and response.headers["retry-after"] == "1.5"
    kind, message = error_of(api, response)
    assert kind == ("rate_limit_error" if api == "messages" else "requests")
    assert message == f"Rate limit reached for {MODEL[api]} (simulated)"
    assert sim.stats()["by_fault"] == {"rate_limit": 1}


@pytest.mark.parametrize("api", ROUTES)
def test_server_errors_are_each_providers_own(sim: SimServer, api: str) -> None:
    sim.configure(error_rate=1.0)
    statuses = {ask(sim, api).status_code for _ in range(12)}
    assert statuses == ({500, 529} if api == "messages" else {500, 503})
    assert sim.stats()["by_fault"] == {"error": 12}


def test_malformed_breaks_only_json_answers(sim: SimServer) -> None:
    sim.configure(malformed_rate=1.0)
    natural = ask(sim, "messages").json()["content"][0]["text"]
    assert natural.startswith("Here are places renters often consider")
    assert sim.stats()["by_fault"] == {}
    assert sim.stats()["by_kind"] == {"natural": 1}


def test_counters_and_key_fingerprints(sim: SimServer) -> None:
    ask(sim, "chat.completions", authorization="Bearer sk-one", **{"x-llmsim-surface": "a"})
    ask(sim, "messages", **{"x-api-key": "sk-two", "x-llmsim-surface": "b"})
    stats = sim.stats()
    assert stats["requests"] == 2
    assert stats["by_api"] == {"chat.completions": 1, "messages": 1}
    assert stats["by_status"] == {"200": 2}
    assert stats["by_surface_status"] == {"a:200": 1, "b:200": 1}
    assert stats["max_in_flight"] == {"a": 1, "b": 1}
    fingerprints = stats["key_fingerprints"]
    assert isinstance(fingerprints, list) and len(fingerprints) == 2
    assert "sk-one" not in fingerprints
    httpx.post(f"{sim.url}/_sim/stats/reset").raise_for_status()
    assert sim.stats()["requests"] == 0


def test_config_changes_at_run_time_and_refuses_bad_values(sim: SimServer) -> None:
    sim.configure(rpm=3)
    assert httpx.get(f"{sim.url}/_sim/config").json()["rpm"] == 3
    bad = httpx.post(f"{sim.url}/_sim/config", json={"error_rate": 2})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["error_rate"]
    assert httpx.get(f"{sim.url}/healthz").json() == {"status": "ok"}


SERVED_DEFAULTS = {"host": "127.0.0.1", "port": 8900, "log_format": "text", "log_level": "INFO"}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, SERVED_DEFAULTS),
        (
            {
                "LLMSIM_HOST": "0.0.0.0",
                "LLMSIM_PORT": "9001",
                "LOG_FORMAT": "JSON",
                "LOG_LEVEL": "",
            },
            {"host": "0.0.0.0", "port": 9001, "log_format": "json", "log_level": "INFO"},
        ),
    ],
)
def test_serve_settings_read_the_environment(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: dict[str, object]
) -> None:
    for name in ("LLMSIM_HOST", "LLMSIM_PORT", "LOG_FORMAT", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert ServeSettings().model_dump() == expected


def test_a_reply_the_caller_hung_up_on_is_billed_and_counted(sim: SimServer) -> None:
    sim.configure(slow_rate=1.0, slow_ms=600)
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            f"{sim.url}/v1/chat/completions",
            json={"model": "gpt-5.5", "messages": [{"role": "user", "content": "Austin"}]},
            timeout=0.2,
        )
    sim.configure(slow_rate=0.0)
    assert ask(sim, "chat.completions").status_code == 200
    # The slow reply finishes on the server after its caller left: counted once, as read by nobody.
    deadline = time.monotonic() + 5
    while sim.stats()["by_status"] != {"200": 2} and time.monotonic() < deadline:
        time.sleep(0.05)
    stats = sim.stats()
    assert stats["by_status"] == {"200": 2}
    assert stats["by_fault"] == {"slow": 1}
    assert stats["answered_after_hang_up"] == 1
    assert stats["hung_up_by_kind"] == {"natural": 1}
