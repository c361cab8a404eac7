"""Build the adapter a surface's configuration asks for."""

from __future__ import annotations

from surfaces.anthropic_surface import AnthropicSurface
from surfaces.base import Surface
from surfaces.config import Provider, SurfaceConfig
from surfaces.gemini_surface import GeminiSurface
from surfaces.openai_surface import OpenAISurface
from surfaces.perplexity_surface import PerplexitySurface

ADAPTERS: dict[Provider, type[AnthropicSurface | GeminiSurface | OpenAISurface]] = {
    "openai": OpenAISurface,
    "anthropic": AnthropicSurface,
    "google": GeminiSurface,
    "perplexity": PerplexitySurface,
}


def build_surface(config: SurfaceConfig) -> Surface:
    return ADAPTERS[config.provider](config)
