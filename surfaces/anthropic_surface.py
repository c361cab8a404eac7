"""Claude surface over the official async Anthropic SDK (Messages API).

With web search on, the `web_search` server tool runs (with the asker's location as its
`user_location`; without the tool, the question states it) and its results and the text's
citations become sources; strict JSON output is asked for only without it (the two do not combine).
"""

from __future__ import annotations

from typing import Any

from anthropic import AsyncAnthropic

from surfaces.base import Completion, Prompt, SdkSurface, Source, dedupe_sources
from surfaces.config import SurfaceConfig
from surfaces.locations import approximate_location

WEB_SEARCH_TOOL = {"type": "web_search_20250305", "name": "web_search", "max_uses": 5}


class AnthropicSurface(SdkSurface):
    def __init__(self, config: SurfaceConfig) -> None:
        super().__init__(config)
        self._client = AsyncAnthropic(**config.sdk_options())

    async def complete(self, prompt: Prompt) -> Completion:
        # No temperature: this SDK's Messages API takes none (samples vary on their own).
        kwargs: dict[str, Any] = {}
        searching = prompt.web_search and self.capabilities.web_search == "server_tool"
        location = approximate_location(prompt.asker_location) if searching else None
        if searching:
            kwargs["tools"] = [
                {**WEB_SEARCH_TOOL, "user_location": location} if location else WEB_SEARCH_TOOL
            ]
        elif prompt.json_schema is not None and self.capabilities.json_schema:
            kwargs["output_config"] = {
                "format": {"type": "json_schema", "schema": prompt.json_schema}
            }
        message = await self._client.messages.create(
            model=self.model,
            max_tokens=prompt.max_tokens,
            system=prompt.system,
            messages=[
                {"role": "user", "content": prompt.user_text(location_sent=location is not None)}
            ],
            extra_headers=prompt.extra_headers or None,
            **kwargs,
        )
        texts: list[str] = []
        sources: list[Source] = []
        searches = 0
        for block in message.content:
            kind = getattr(block, "type", "")
            if kind == "text":
                texts.append(block.text)
                for cite in getattr(block, "citations", None) or []:
                    if getattr(cite, "url", None):
                        sources.append(Source(url=cite.url, title=getattr(cite, "title", "") or ""))
            elif kind == "server_tool_use":
                searches += 1  # counted from usage below when the API reports it
            elif kind == "web_search_tool_result":
                results = getattr(block, "content", None)
                for result in results if isinstance(results, list) else []:
                    if getattr(result, "url", None):
                        sources.append(
                            Source(url=result.url, title=getattr(result, "title", "") or "")
                        )
        tool_use = getattr(message.usage, "server_tool_use", None)
        reported = getattr(tool_use, "web_search_requests", None) if tool_use else None
        return Completion(
            text="\n".join(texts),
            model=message.model or self.model,
            input_tokens=message.usage.input_tokens,
            output_tokens=message.usage.output_tokens,
            finish_reason=message.stop_reason,
            response_id=message.id,
            sources=dedupe_sources(sources),
            web_searches=reported if isinstance(reported, int) else searches,
        )

    async def close(self) -> None:
        await self._client.close()
