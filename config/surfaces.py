"""The surfaces this project knows (a table) and the OpenAI-compatible ones a deployment adds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from surfaces.capabilities import TokenParam, WebSearchStyle
from surfaces.config import Provider

# The surfaces of an audit that names none, unless DEFAULT_SURFACES says otherwise.
DEFAULT_SURFACES = ("openai", "claude")


@dataclass(frozen=True)
class BuiltIn:
    """A surface this project knows. Its model, limits and key come from settings named after
    it: GEO_<NAME>_MODEL, LLM_MAX_CONCURRENCY_<NAME>, LLM_WORKERS_<NAME>, LLM_MAX_RPS_<NAME>,
    and the key and endpoint variables the provider's own SDK documents."""

    provider: Provider
    key_field: str
    base_url_field: str
    # What the SDK appends its paths to, under LLMSIM_URL, in simulator mode.
    simulator_root: str
    web_search: WebSearchStyle


BUILT_IN: dict[str, BuiltIn] = {
    "openai": BuiltIn("openai", "openai_api_key", "openai_base_url", "/v1", "responses_tool"),
    "claude": BuiltIn("anthropic", "anthropic_api_key", "anthropic_base_url", "", "server_tool"),
    "gemini": BuiltIn("google", "gemini_api_key", "gemini_base_url", "", "google_search"),
    "perplexity": BuiltIn(
        "perplexity", "perplexity_api_key", "perplexity_base_url", "/v1", "always"
    ),
}
# Extra surfaces may take the place of the built-ins added later (Perplexity and Gemini used to
# be configured as extras), never of the original two.
RESERVED_SURFACES = ("openai", "claude")


class ExtraSurface(BaseModel):
    """Any OpenAI-compatible engine: vLLM, Ollama, a gateway… (Perplexity and Gemini are built
    in; an extra of their name takes their place)."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{1,30}$")]
    base_url: str
    model: str
    key_env: str = ""  # the environment variable that holds its API key
    max_concurrency: int | None = None  # calls in flight per worker
    workers: int = Field(default=1, ge=1)  # replicas of its LLM worker: the audit plans both
    max_rps: float | None = None
    input_per_mtok: float | None = None
    output_per_mtok: float | None = None
    search_per_k: float | None = None
    default: bool = False  # part of audits that name no surfaces
    # What the engine accepts; unset: what its model family accepts (surfaces/capabilities.py).
    # web_search: "none" (default: no search tool is sent), "responses_tool" (OpenAI's
    # Responses API tool) or "always" (searches on every call and returns `citations` /
    # `search_results`, as Perplexity does).
    web_search: Literal["none", "responses_tool", "always"] = "none"
    json_schema: bool | None = None
    temperature: bool | None = None
    token_param: TokenParam | None = None


def check_surface_names(extras: list[ExtraSurface], defaults: list[str]) -> None:
    """Extras' names are unique and leave the original two alone; DEFAULT_SURFACES are all
    configured (a typo would otherwise leave audits that name no surface with fewer)."""
    names = [s.name for s in extras]
    if len(set(names)) != len(names) or set(names) & set(RESERVED_SURFACES):
        raise ValueError("EXTRA_SURFACES names must be unique and not openai or claude")
    unknown = sorted(set(defaults) - {*BUILT_IN, *names})
    if unknown or not defaults:
        raise ValueError(
            f"DEFAULT_SURFACES {unknown or '(empty)'}: not configured surfaces; "
            f"configured: {', '.join([*BUILT_IN, *names])}"
        )
