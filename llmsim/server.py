"""The simulator's HTTP server: OpenAI Chat Completions and Anthropic Messages wire formats."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
from collections import Counter
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from llmsim.answers import simulate_answer
from llmsim.faults import RpmLimiter, latency_s, pick_fault
from llmsim.knobs import SimConfig
from llmsim.market import World, parse_structured_prompt
from llmsim.prose import extract, parse_extraction_prompt, render
from llmsim.summary import write_summary
from llmsim.wire import anthropic_message, chat_completion, openai_response


class SimState:
    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.rpm = RpmLimiter()
        self.reset_stats()

    def reset_stats(self) -> None:
        self.total = 0
        # Requests being answered now, and the most at once, per surface.
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        # Fingerprints (never the keys) of the credentials clients sent, to prove a key was used.
        self.key_fingerprints: set[str] = set()
        self.counters: dict[str, Counter[str]] = {
            "by_api": Counter(),
            "by_model": Counter(),
            "by_status": Counter(),
            "by_surface": Counter(),
            "by_surface_status": Counter(),
            "by_kind": Counter(),
            "by_fault": Counter(),
        }

    def enter(self, surface: str) -> None:
        self.in_flight[surface] += 1
        self.max_in_flight[surface] = max(self.max_in_flight[surface], self.in_flight[surface])

    def leave(self, surface: str) -> None:
        self.in_flight[surface] = max(0, self.in_flight[surface] - 1)

    def count(self, api: str, model: str, surface: str, status: int) -> None:
        self.total += 1
        self.counters["by_api"][api] += 1
        self.counters["by_model"][model] += 1
        self.counters["by_status"][str(status)] += 1
        self.counters["by_surface"][surface] += 1
        self.counters["by_surface_status"][f"{surface}:{status}"] += 1


def _user_text(messages: list[Any]) -> str:
    parts: list[str] = []
    for message in messages or []:
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return "\n".join(parts)


def _openai_error(status: int, message: str, kind: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def _anthropic_error(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


def create_app(config: SimConfig | None = None) -> FastAPI:
    state = SimState(config or SimConfig.from_env())
    app = FastAPI(title="llmsim", description="Offline LLM simulator for PropertyAudit")
    app.state.sim = state

    @app.middleware("http")
    async def in_flight(request: Request, call_next: Any) -> Any:
        if not request.url.path.startswith("/v1"):
            return await call_next(request)
        surface = request.headers.get("x-llmsim-surface", "unknown")
        state.enter(surface)
        try:
            return await call_next(request)
        finally:
            state.leave(surface)

    async def simulate(
        request: Request, api: str, default_surface: str
    ) -> tuple[dict[str, Any] | None, JSONResponse | None, str, str]:
        """Shared path: parse, apply faults and latency; returns (body, error, surface, model)."""
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        surface = request.headers.get("x-llmsim-surface", default_surface)
        credential = request.headers.get("x-api-key") or request.headers.get(
            "authorization", ""
        ).removeprefix("Bearer ")
        if credential:
            state.key_fingerprints.add(hashlib.sha256(credential.encode()).hexdigest()[:12])
        model = str(body.get("model", "")) if isinstance(body, dict) else ""
        cfg = state.config
        anthropic = api == "messages"
        if not isinstance(body, dict) or not model:
            state.count(api, model, surface, 400)
            msg = "request body must be a JSON object with a model"
            err = (
                _anthropic_error("invalid_request_error", msg)
                if anthropic
                else _openai_error(400, msg, "invalid_request_error", None)
            )
            return None, JSONResponse(err, status_code=400), surface, model
        if surface in cfg.auth_fail:
            state.count(api, model, surface, 401)
            err = (
                _anthropic_error("authentication_error", "invalid x-api-key (simulated)")
                if anthropic
                else _openai_error(
                    401,
                    "Incorrect API key provided (simulated).",
                    "invalid_request_error",
                    "invalid_api_key",
                )
            )
            return None, JSONResponse(err, status_code=401), surface, model
        wait = state.rpm.admit(model, cfg.rpm)
        fault = pick_fault(cfg, state.rng)
        if wait is not None or fault == "rate_limit":
            state.counters["by_fault"]["rpm" if wait is not None else "rate_limit"] += 1
            retry_after = wait if wait is not None else cfg.retry_after_s
            state.count(api, model, surface, 429)
            msg = f"Rate limit reached for {model} (simulated)"
            err = (
                _anthropic_error("rate_limit_error", msg)
                if anthropic
                else _openai_error(429, msg, "requests", "rate_limit_exceeded")
            )
            headers = {"retry-after": f"{max(retry_after, 0.0):.3f}".rstrip("0").rstrip(".")}
            return None, JSONResponse(err, status_code=429, headers=headers), surface, model
        if fault == "error":
            state.counters["by_fault"]["error"] += 1
            status = state.rng.choice((529, 500) if anthropic else (500, 503))
            state.count(api, model, surface, status)
            if anthropic:
                kind = "overloaded_error" if status == 529 else "api_error"
                err = _anthropic_error(kind, "Overloaded (simulated)")
            else:
                err = _openai_error(
                    status, "The server had an error (simulated)", "server_error", None
                )
            return None, JSONResponse(err, status_code=status), surface, model
        delay = latency_s(cfg, state.rng)
        if fault == "slow":
            delay = max(delay, cfg.slow_ms / 1000)
        if delay > 0:
            await asyncio.sleep(delay)
        if fault and fault != "malformed":  # malformed is counted where it is applied
            # Counted with its 200 (no await between the two), so the stats always agree.
            state.counters["by_fault"][fault] += 1
        body["_fault"] = fault
        return body, None, surface, model

    def answer(
        request: Request,
        body: dict[str, Any],
        system: str,
        prompt: str,
        model: str,
        web_search: bool,
    ) -> tuple[str, list[tuple[str, str]], str]:
        """(text, web sources, kind) for a request whose faults have passed."""
        sources: list[tuple[str, str]] = []
        seed = state.config.seed
        sample = int(request.headers.get("x-llmsim-sample", "0") or 0)
        lies = state.config.lies
        if "<analysis>" in prompt and "cross-model audit" in prompt:
            text, kind = json.dumps(write_summary(prompt)), "summary"
        elif "GEO audit analyzer" in prompt:
            asked = parse_extraction_prompt(prompt)
            envelope = extract(
                asked.response,
                asked.brand,
                asked.place,
                brand_domain=asked.domains[0] if asked.domains else "",
                lie_rate=state.config.lie_extraction_rate,
            )
            text, kind = json.dumps(envelope), "extraction"
        elif "Task: Perform a GEO audit" in prompt:
            world, query = parse_structured_prompt(prompt)
            sim = simulate_answer(
                world, query, model, seed, sample=sample, web_search=web_search, lies=lies
            )
            text, sources, kind = json.dumps(sim.block), sim.sources, "structured"
        else:
            world = World.from_header(request.headers.get("x-llmsim-world"))
            query = prompt.strip()
            sim = simulate_answer(
                world,
                query,
                model,
                seed,
                sample=sample,
                natural=True,
                web_search=web_search,
                lies=lies,
            )
            text, sources, kind = render(sim.block, query), sim.sources, "natural"
        if body.get("_fault") == "malformed" and kind in ("structured", "extraction"):
            text = "Sure! Here is the audit: " + text[: len(text) // 2]
            state.counters["by_fault"]["malformed"] += 1
        state.counters["by_kind"][kind] += 1
        return text, sources, kind

    def has_web_search(body: dict[str, Any]) -> bool:
        return any(
            isinstance(t, dict) and str(t.get("type", "")).startswith("web_search")
            for t in body.get("tools") or []
        )

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> JSONResponse:
        body, error, surface, model = await simulate(request, "chat.completions", "openai")
        if error is not None or body is None:
            return error or JSONResponse({}, status_code=500)
        prompt = _user_text(body.get("messages", []))
        # Perplexity's sonar models search on every call and return their sources beside the
        # message, in `citations` and `search_results`.
        searching = model.startswith("sonar")
        text, sources, _ = answer(request, body, "", prompt, model, web_search=searching)
        state.count("chat.completions", model, surface, 200)
        return JSONResponse(chat_completion(model, prompt, text, sources if searching else None))

    @app.post("/v1/responses")
    async def responses(request: Request) -> JSONResponse:
        body, error, surface, model = await simulate(request, "responses", "openai")
        if error is not None or body is None:
            return error or JSONResponse({}, status_code=500)
        raw = body.get("input", "")
        prompt = raw if isinstance(raw, str) else _user_text(raw)
        searched = has_web_search(body)
        text, sources, _ = answer(
            request, body, str(body.get("instructions", "")), prompt, model, web_search=searched
        )
        state.count("responses", model, surface, 200)
        return JSONResponse(openai_response(model, prompt, text, sources, searched))

    @app.post("/v1/messages")
    async def messages(request: Request) -> JSONResponse:
        body, error, surface, model = await simulate(request, "messages", "claude")
        if error is not None or body is None:
            return error or JSONResponse({}, status_code=500)
        prompt = _user_text(body.get("messages", []))
        searched = has_web_search(body)
        text, sources, _ = answer(
            request, body, str(body.get("system", "")), prompt, model, web_search=searched
        )
        state.count("messages", model, surface, 200)
        return JSONResponse(anthropic_message(model, prompt, text, sources, searched))

    @app.get("/_sim/stats")
    async def stats() -> dict[str, Any]:
        return {
            "requests": state.total,
            **{k: dict(v) for k, v in state.counters.items()},
            "max_in_flight": dict(state.max_in_flight),
            "key_fingerprints": sorted(state.key_fingerprints),
        }

    @app.post("/_sim/stats/reset")
    async def reset_stats() -> dict[str, Any]:
        state.reset_stats()
        return {"requests": 0}

    @app.get("/_sim/config")
    async def get_config() -> SimConfig:
        return state.config

    @app.post("/_sim/config", response_model=None)
    async def set_config(update: dict[str, Any]) -> SimConfig | JSONResponse:
        """Change knobs at run time; fields not given keep their value."""
        try:
            state.config = SimConfig.model_validate(state.config.model_dump() | update)
        except ValidationError as exc:
            return JSONResponse({"detail": exc.errors(include_url=False)}, status_code=422)
        return state.config

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
