"""Perplexity over the OpenAI SDK (its Chat Completions-compatible API).

Every call searches: its `citations` and `search_results` become sources, and each request is
billed one search (Perplexity's request fee). No OpenAI-only tool is ever sent (the capability
says "always", so the Responses API is never used), structured output goes in Perplexity's
own dialect of `response_format`, and the asker's location in its `web_search_options`.
"""

from __future__ import annotations

from typing import Any

from surfaces.base import Prompt
from surfaces.locations import perplexity_location
from surfaces.openai_surface import OpenAISurface


class PerplexitySurface(OpenAISurface):
    def location_options(self, prompt: Prompt) -> dict[str, Any] | None:
        """`web_search_options.user_location`, a field of Perplexity's own that the OpenAI SDK
        does not type (its `web_search_options` is OpenAI's shape): sent as extra body."""
        location = perplexity_location(prompt.asker_location)
        return {"web_search_options": {"user_location": location}} if location else None

    def response_format(self, schema: dict[str, object], name: str) -> dict[str, object]:
        """Perplexity's documented form: the schema alone, without OpenAI's `name` and
        `strict`."""
        return {"type": "json_schema", "json_schema": {"schema": schema}}
