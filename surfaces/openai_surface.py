"""OpenAI and OpenAI-compatible surfaces over the official async SDK.

Chat Completions (strict JSON schema where the surface accepts it) without web search; the
Responses API with the `web_search` tool when search is on and the surface declares that tool,
its `url_citation` annotations becoming sources, the asker's location in the tool's
`user_location` (without the tool, the question states it). An engine that searches on every call
(Perplexity) answers through Chat Completions with its sources in `citations` and
`search_results`, which become sources too.
"""

from __future__ import annotations

from typing import Any

from openai import AsyncOpenAI

from surfaces.base import Completion, Prompt, SdkSurface, Source, dedupe_sources
from surfaces.config import SurfaceConfig
from surfaces.locations import approximate_location


class OpenAISurface(SdkSurface):
    def __init__(self, config: SurfaceConfig) -> None:
        super().__init__(config)
        self._client = AsyncOpenAI(**config.sdk_options())

    async def complete(self, prompt: Prompt) -> Completion:
        caps = self.capabilities
        if prompt.web_search and caps.web_search == "responses_tool":
            return await self._responses(prompt)
        kwargs: dict[str, Any] = {caps.token_param: prompt.max_tokens}
        if caps.temperature and prompt.temperature is not None:
            kwargs["temperature"] = prompt.temperature
        if prompt.json_schema is not None and caps.json_schema:
            kwargs["response_format"] = self.response_format(prompt.json_schema, prompt.schema_name)
        location = self.location_options(prompt)
        response = await self._client.chat.completions.create(
            model=self.model,
            messages=[
                {"role": "system", "content": prompt.system},
                {"role": "user", "content": prompt.user_text(location_sent=location is not None)},
            ],
            extra_headers=prompt.extra_headers or None,
            extra_body=location,
            **kwargs,
        )
        choice = response.choices[0] if response.choices else None
        usage = response.usage
        sources = engine_sources(response.model_extra or {})
        return Completion(
            text=(choice.message.content or "") if choice else "",
            model=response.model or self.model,
            input_tokens=usage.prompt_tokens if usage else 0,
            output_tokens=usage.completion_tokens if usage else 0,
            finish_reason=choice.finish_reason if choice else None,
            response_id=response.id,
            sources=sources,
            # An engine that always searches bills each request as one search.
            web_searches=1 if caps.web_search == "always" else 0,
        )

    def location_options(self, prompt: Prompt) -> dict[str, Any] | None:
        """What Chat Completions carries of the asker's location beside the messages: nothing
        for OpenAI's own models (their location goes with the web search tool) nor for an
        OpenAI-compatible engine, which read it in the question."""
        return None

    def response_format(self, schema: dict[str, object], name: str) -> dict[str, object]:
        """Chat Completions' strict structured output, in OpenAI's words."""
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "strict": True, "schema": schema},
        }

    async def _responses(self, prompt: Prompt) -> Completion:
        kwargs: dict[str, Any] = {}
        if self.capabilities.temperature and prompt.temperature is not None:
            kwargs["temperature"] = prompt.temperature
        if prompt.json_schema is not None and self.capabilities.json_schema:
            kwargs["text"] = {
                "format": {
                    "type": "json_schema",
                    "name": prompt.schema_name,
                    "strict": True,
                    "schema": prompt.json_schema,
                }
            }
        tool: dict[str, Any] = {"type": "web_search"}
        if location := approximate_location(prompt.asker_location):
            tool["user_location"] = location
        response = await self._client.responses.create(
            model=self.model,
            instructions=prompt.system,
            input=prompt.user_text(location_sent=location is not None),
            tools=[tool],  # type: ignore[list-item]  # a WebSearchToolParam, built as a dict
            max_output_tokens=prompt.max_tokens,
            extra_headers=prompt.extra_headers or None,
            **kwargs,
        )
        sources: list[Source] = []
        searches = 0
        for item in response.output or []:
            if getattr(item, "type", "") == "web_search_call":
                searches += 1
            for part in getattr(item, "content", None) or []:
                for note in getattr(part, "annotations", None) or []:
                    if getattr(note, "type", "") == "url_citation" and getattr(note, "url", ""):
                        sources.append(Source(url=note.url, title=getattr(note, "title", "") or ""))
        usage = response.usage
        return Completion(
            text=response.output_text or "",
            model=response.model or self.model,
            input_tokens=usage.input_tokens if usage else 0,
            output_tokens=usage.output_tokens if usage else 0,
            finish_reason=str(response.status) if response.status else None,
            response_id=response.id,
            sources=dedupe_sources(sources),
            web_searches=searches,
        )

    async def close(self) -> None:
        await self._client.close()


def engine_sources(extra: dict[str, Any]) -> list[Source]:
    """Sources an OpenAI-compatible engine returns beside the message: Perplexity's
    `search_results` (url, title) and `citations` (URLs), in the engine's order."""
    sources: list[Source] = []
    for result in extra.get("search_results") or []:
        if isinstance(result, dict) and isinstance(result.get("url"), str):
            sources.append(Source(url=result["url"], title=str(result.get("title") or "")))
    for url in extra.get("citations") or []:
        if isinstance(url, str):
            sources.append(Source(url=url))
    return dedupe_sources(sources)
