"""Build the adapter a surface's configuration asks for."""

from __future__ import annotations

from surfaces.anthropic_surface import AnthropicSurface
from surfaces.base import Surface
from surfaces.config import SurfaceConfig
from surfaces.openai_surface import OpenAISurface


def build_surface(config: SurfaceConfig) -> Surface:
    if config.provider == "anthropic":
        return AnthropicSurface(config)
    return OpenAISurface(config)
