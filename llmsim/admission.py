"""Whether a request is answered: its body, its credential, the refusals and the latency.

A refusal (400, 401, 429, 5xx) is counted and answered in the API's own error format, so the
official SDKs raise the same exceptions they raise against the real providers. The faults are
drawn from one generator in a fixed order (rpm, fault, server error status, latency), so a seed
replays the same run.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from llmsim.apis import Api
from llmsim.faults import latency_s, pick_fault
from llmsim.state import SimState

BAD_BODY = "request body must be a JSON object with a model"
RATE_LIMITED = "Rate limit reached for {model} (simulated)"
# status -> (message, type, code) as OpenAI words a refusal.
OPENAI_ERRORS: dict[int, tuple[str, str, str | None]] = {
    400: (BAD_BODY, "invalid_request_error", None),
    401: ("Incorrect API key provided (simulated).", "invalid_request_error", "invalid_api_key"),
    429: (RATE_LIMITED, "requests", "rate_limit_exceeded"),
    500: ("The server had an error (simulated)", "server_error", None),
    503: ("The server had an error (simulated)", "server_error", None),
}
# status -> (message, type) as Anthropic words a refusal; 529 is its "overloaded".
ANTHROPIC_ERRORS: dict[int, tuple[str, str]] = {
    400: (BAD_BODY, "invalid_request_error"),
    401: ("invalid x-api-key (simulated)", "authentication_error"),
    429: (RATE_LIMITED, "rate_limit_error"),
    500: ("Overloaded (simulated)", "api_error"),
    529: ("Overloaded (simulated)", "overloaded_error"),
}
# The server errors each provider answers with, drawn at random for an `error` fault.
SERVER_ERRORS = {"openai": (500, 503), "anthropic": (529, 500)}


@dataclass(frozen=True)
class Admitted:
    """A request that passed admission, the fault (malformed, slow, or None) it carries, and
    whether its caller hung up before the answer was ready (paid for, never read)."""

    body: dict[str, Any]
    model: str
    surface: str
    fault: str | None
    hung_up: bool = False


def error_body(api: Api, status: int, model: str) -> dict[str, Any]:
    if api.dialect == "anthropic":
        message, kind = ANTHROPIC_ERRORS[status]
        return {"type": "error", "error": {"type": kind, "message": message.format(model=model)}}
    message, kind, code = OPENAI_ERRORS[status]
    error = {"message": message.format(model=model), "type": kind, "param": None, "code": code}
    return {"error": error}


def _retry_after(seconds: float) -> str:
    """Seconds as the shortest decimal (7, 1.5, 0.125): what the SDKs parse as a float."""
    return f"{max(seconds, 0.0):.3f}".rstrip("0").rstrip(".")


async def _json_body(request: Request) -> Any:
    try:
        return await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _credential(request: Request) -> str:
    bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
    return request.headers.get("x-api-key") or bearer


async def admit(state: SimState, request: Request, api: Api) -> Admitted | JSONResponse:
    """The request to answer, or the refusal to send instead (already counted)."""
    body = await _json_body(request)
    surface = request.headers.get("x-llmsim-surface", api.default_surface)
    state.saw_credential(_credential(request))
    model = str(body.get("model", "")) if isinstance(body, dict) else ""
    cfg = state.config

    def refuse(status: int, headers: dict[str, str] | None = None) -> JSONResponse:
        state.count(api.name, model, surface, status)
        return JSONResponse(error_body(api, status, model), status_code=status, headers=headers)

    if not isinstance(body, dict) or not model:
        return refuse(400)
    if surface in cfg.auth_fail:
        return refuse(401)
    wait = state.rpm.admit(model, cfg.rpm)
    fault = pick_fault(cfg, state.rng)
    if wait is not None or fault == "rate_limit":
        state.count_fault("rpm" if wait is not None else "rate_limit")
        retry_after = wait if wait is not None else cfg.retry_after_s
        return refuse(429, {"retry-after": _retry_after(retry_after)})
    if fault == "error":
        state.count_fault("error")
        return refuse(state.rng.choice(SERVER_ERRORS[api.dialect]))
    delay = latency_s(cfg, state.rng)
    if fault == "slow":
        delay = max(delay, cfg.slow_ms / 1000)
    hung_up = False
    if delay > 0:
        await asyncio.sleep(delay)
        hung_up = await request.is_disconnected()
    return Admitted(body=body, model=model, surface=surface, fault=fault, hung_up=hung_up)
