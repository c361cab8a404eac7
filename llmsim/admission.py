"""Whether a request is answered: its body, its credential, the refusals and the latency.

A refusal (400, 401, 429, 5xx) is counted and answered in the API's own error format
(`llmsim.refusals`), so the official SDKs raise the same exceptions they raise against the real
providers. The faults are drawn from one generator in a fixed order (rpm, fault, server error
status, latency), so a seed replays the same run.
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
from llmsim.refusals import SERVER_ERRORS, Refusal, bad_key, bad_request, rate_limited, server_error
from llmsim.state import SimState


@dataclass(frozen=True)
class Admitted:
    """A request that passed admission, the fault (malformed, slow, or None) it carries, and
    whether its caller hung up before the answer was ready (paid for, never read)."""

    body: dict[str, Any]
    model: str
    surface: str
    fault: str | None
    hung_up: bool = False


async def _json_body(request: Request) -> Any:
    try:
        return await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _credential(request: Request) -> str:
    """The key, wherever its provider's SDK puts it (Google's: a header or `?key=`)."""
    bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
    return (
        request.headers.get("x-api-key")
        or request.headers.get("x-goog-api-key")
        or request.query_params.get("key")
        or bearer
    )


async def admit(state: SimState, request: Request, api: Api) -> Admitted | JSONResponse:
    """The request to answer, or the refusal to send instead (already counted)."""
    body = await _json_body(request)
    surface = request.headers.get("x-llmsim-surface", api.default_surface)
    state.saw_credential(_credential(request))
    model = api.model(body if isinstance(body, dict) else {}, dict(request.path_params))
    cfg = state.config

    def refuse(refusal: Refusal) -> JSONResponse:
        state.count(api.name, model, surface, refusal.status)
        return JSONResponse(refusal.body, status_code=refusal.status, headers=refusal.headers)

    if not isinstance(body, dict) or not model:
        return refuse(bad_request(api.dialect, model))
    if surface in cfg.auth_fail:
        return refuse(bad_key(api.dialect, model))
    unsupported = api.refuses(body, model)
    if unsupported:
        return refuse(bad_request(api.dialect, model, unsupported))
    wait = state.rpm.admit(model, cfg.rpm)
    fault = pick_fault(cfg, state.rng)
    if wait is not None or fault == "rate_limit":
        state.count_fault("rpm" if wait is not None else "rate_limit")
        return refuse(rate_limited(api.dialect, model, cfg.retry_after_s if wait is None else wait))
    if fault == "error":
        state.count_fault("error")
        return refuse(
            server_error(api.dialect, state.rng.choice(SERVER_ERRORS[api.dialect]), model)
        )
    delay = latency_s(cfg, state.rng)
    if fault == "slow":
        delay = max(delay, cfg.slow_ms / 1000)
    hung_up = False
    if delay > 0:
        await asyncio.sleep(delay)
        hung_up = await request.is_disconnected()
    return Admitted(body=body, model=model, surface=surface, fault=fault, hung_up=hung_up)
