"""The simulator's HTTP routes: the providers' wire APIs, its controls under `/_sim`.

The wire APIs are OpenAI Chat Completions and Responses (also Perplexity's), Anthropic Messages
under `/v1`, and Gemini's `generateContent` under `/v1beta` (and `/v1`); each request is
admitted (`llmsim.admission`), answered (`llmsim.replies`) and counted (`llmsim.state`), with
where it said the asker is (`llmsim.locations`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from llmsim.admission import admit
from llmsim.apis import CHAT, GEMINI, MESSAGES, RESPONSES, Api
from llmsim.knobs import SimConfig
from llmsim.locations import Heard, split_stated
from llmsim.replies import Ask, kind_of, reply
from llmsim.state import SimState


async def answer(state: SimState, request: Request, api: Api) -> JSONResponse:
    """One request to a wire API, counted in flight while it is being answered."""
    surface = request.headers.get("x-llmsim-surface", api.default_surface)
    state.enter(surface)
    try:
        return await _answer(state, request, api)
    finally:
        state.leave(surface)


async def _answer(state: SimState, request: Request, api: Api) -> JSONResponse:
    """A refusal, or the simulated model's answer in the API's format."""
    admitted = await admit(state, request, api)
    if isinstance(admitted, JSONResponse):
        return admitted
    model = admitted.model
    prompt = _heard(state, api, admitted.body, admitted.surface)
    searched = api.searches(admitted.body, model, admitted.surface)
    ask = Ask(
        prompt=prompt,
        model=model,
        web_search=searched,
        config=state.config,
        sample=int(request.headers.get("x-llmsim-sample", "0") or 0),
        world_header=request.headers.get("x-llmsim-world"),
    )
    text, sources = reply(state, ask, admitted.fault)
    # The 200, its slow fault and a hang-up are counted together (no await between them), so
    # the stats agree at every instant: a provider bills the answer whether or not it was read.
    state.count(api.name, model, admitted.surface, 200)
    if admitted.fault == "slow":
        state.count_fault("slow")
    if admitted.hung_up:
        state.count_hang_up(kind_of(prompt))
    return JSONResponse(api.render(model, prompt, text, sources, searched))


def _heard(state: SimState, api: Api, body: dict[str, Any], surface: str) -> str:
    """The prompt as the simulated model reads it, without a place it states (recorded, with
    the location parameter, as what this request said of where the asker is)."""
    prompt, stated = split_stated(api.prompt(body))
    heard = Heard(parameter=api.location(body), stated=stated)
    if via := heard.via(api.location_kind):
        state.heard_location(api.name, surface, via, heard.parameter, heard.stated)
    return prompt


def _serve_wire_apis(app: FastAPI, state: SimState) -> None:
    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> JSONResponse:
        return await answer(state, request, CHAT)

    @app.post("/v1/responses")
    async def responses(request: Request) -> JSONResponse:
        return await answer(state, request, RESPONSES)

    @app.post("/v1/messages")
    async def messages(request: Request) -> JSONResponse:
        return await answer(state, request, MESSAGES)

    # google-genai asks v1beta when told to (as the Gemini adapter is), and v1 by default.
    @app.post("/v1beta/models/{model}:generateContent")
    @app.post("/v1/models/{model}:generateContent")
    async def generate_content(request: Request) -> JSONResponse:
        return await answer(state, request, GEMINI)


def _serve_controls(app: FastAPI, state: SimState) -> None:
    @app.get("/_sim/stats")
    async def stats() -> dict[str, Any]:
        return state.stats()

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


def create_app(config: SimConfig | None = None) -> FastAPI:
    state = SimState(config or SimConfig.from_env())
    app = FastAPI(title="llmsim", description="Offline LLM simulator for PropertyAudit")
    app.state.sim = state
    _serve_wire_apis(app, state)
    _serve_controls(app, state)
    return app
