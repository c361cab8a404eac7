"""How to reach one surface: provider family, model, endpoint, key, limits and capabilities."""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, SecretStr

from surfaces.capabilities import Capabilities, ModelInfo, TokenParam, WebSearchStyle, model_info

# Which adapter speaks to the surface: the SDK family and, for Perplexity, its dialect of it.
Provider = Literal["openai", "anthropic", "google", "perplexity"]
T = TypeVar("T")


class SurfaceConfig(BaseModel):
    name: str
    provider: Provider
    model: str
    base_url: str | None = None
    api_key: SecretStr | None = None
    simulator: bool = False
    max_concurrency: int = 8
    max_rps: float = 0.0
    timeout_s: float = 90.0
    default: bool = True
    # Overrides of the model table; unset means what the model family accepts and costs.
    input_per_mtok: float | None = None
    output_per_mtok: float | None = None
    search_per_k: float | None = None
    # OpenAI's, Anthropic's and Google's own APIs search with their tools; Perplexity searches
    # on every call; an OpenAI-compatible engine gets no tool it has not declared.
    web_search: WebSearchStyle = "none"
    json_schema: bool | None = None
    temperature: bool | None = None
    token_param: TokenParam | None = None

    def sdk_options(self) -> dict[str, Any]:
        """What every provider SDK's client is built with. The simulator needs no key but the
        SDKs insist on one; Temporal owns retries so every attempt is visible in the workflow's
        history; the simulator learns which surface is calling from a header."""
        return {
            "api_key": self.key,
            "base_url": self.base_url,
            "max_retries": 0,
            "timeout": self.timeout_s,
            "default_headers": self.simulator_headers or None,
        }

    @property
    def key(self) -> str:
        return self.api_key.get_secret_value() if self.api_key else "unset"

    @property
    def simulator_headers(self) -> dict[str, str]:
        """What tells the simulator which surface calls; nothing for a real provider."""
        return {"x-llmsim-surface": self.name} if self.simulator else {}

    @property
    def pricing(self) -> ModelInfo:
        """The model table's entry with this surface's own prices, where it declares them."""
        info = model_info(self.model)
        return ModelInfo(
            family=info.family,
            token_param=info.token_param,
            temperature=info.temperature,
            json_schema=info.json_schema,
            input_per_mtok=_given(self.input_per_mtok, info.input_per_mtok),
            output_per_mtok=_given(self.output_per_mtok, info.output_per_mtok),
            search_per_k=_given(self.search_per_k, info.search_per_k),
        )

    @property
    def capabilities(self) -> Capabilities:
        info = model_info(self.model)
        return Capabilities(
            json_schema=_given(self.json_schema, info.json_schema),
            web_search=self.web_search,
            temperature=_given(self.temperature, info.temperature),
            token_param=self.token_param or info.token_param,
        )


def _given(value: T | None, default: T) -> T:
    return default if value is None else value
