"""Perplexity over the OpenAI SDK (its Chat Completions-compatible API).

Every call searches: its `citations` and `search_results` become sources, and each request is
billed one search (Perplexity's request fee). No OpenAI-only tool is ever sent (the capability
says "always", so the Responses API is never used), and structured output goes in Perplexity's
own dialect of `response_format`.
"""

from __future__ import annotations

from surfaces.openai_surface import OpenAISurface


class PerplexitySurface(OpenAISurface):
    def response_format(self, schema: dict[str, object], name: str) -> dict[str, object]:
        """Perplexity's documented form: the schema alone, without OpenAI's `name` and
        `strict`."""
        return {"type": "json_schema", "json_schema": {"schema": schema}}
