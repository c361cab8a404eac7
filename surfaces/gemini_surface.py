"""Gemini surface over Google's official async SDK (`google-genai`, `generateContent`).

Structured answers come under the strict JSON schema (`responseJsonSchema`); with web search
on, grounding with Google Search runs and its grounding chunks become sources, in the order the
answer's text cites them (`groundingSupports`). Gemini 2.x refuses a JSON response together with
a tool, so there the schema stays in the prompt alone, as with Claude's search. Grounded, with
the asker's coordinates known, they go in `tool_config.retrieval_config.lat_lng`; otherwise the
question states the place.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from google import genai
from google.genai import types

from surfaces.base import Completion, Prompt, SdkSurface, Source, dedupe_sources
from surfaces.config import SurfaceConfig
from surfaces.locations import gemini_lat_lng

# The version carrying every field sent here (responseJsonSchema, googleSearch), pinned so an
# SDK upgrade cannot move the requests to another one.
API_VERSION = "v1beta"
# Real grounding chunks point at a short-lived redirect whose title is the source's domain.
GROUNDING_REDIRECT_HOST = "vertexaisearch.cloud.google.com"
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$", re.IGNORECASE)


def schema_with_grounding(model: str) -> bool:
    """Whether the model takes a JSON response schema together with Google Search: Gemini 3
    and later do; Gemini 2.x answers 400 to the combination."""
    match = re.match(r"^gemini-(\d+)", model.lower())
    return match is not None and int(match.group(1)) >= 3


def client_options(config: SurfaceConfig) -> types.HttpOptions:
    """Temporal owns retries: one attempt, and setting retry options at all also turns off the
    SDK's implicit retry of connection errors (aiohttp transport)."""
    return types.HttpOptions(
        base_url=config.base_url,
        api_version=API_VERSION,
        timeout=int(config.timeout_s * 1000),  # milliseconds
        headers=config.simulator_headers or None,
        retry_options=types.HttpRetryOptions(attempts=1),
    )


class GeminiSurface(SdkSurface):
    def __init__(self, config: SurfaceConfig) -> None:
        super().__init__(config)
        # vertexai=False: the Gemini Developer API by key, whatever GOOGLE_GENAI_USE_VERTEXAI says.
        self._client = genai.Client(
            api_key=config.key, vertexai=False, http_options=client_options(config)
        )

    def _grounded(self, prompt: Prompt) -> bool:
        return prompt.web_search and self.capabilities.web_search == "google_search"

    def _lat_lng(self, prompt: Prompt) -> tuple[float, float] | None:
        """The asker's coordinates, sent only with grounding (retrieval is what reads them)."""
        return gemini_lat_lng(prompt.asker_location) if self._grounded(prompt) else None

    def _config(self, prompt: Prompt) -> types.GenerateContentConfig:
        caps = self.capabilities
        grounded = self._grounded(prompt)
        config = types.GenerateContentConfig(
            system_instruction=prompt.system,
            max_output_tokens=prompt.max_tokens,
            temperature=prompt.temperature if caps.temperature else None,
            tools=[types.Tool(google_search=types.GoogleSearch())] if grounded else None,
            http_options=types.HttpOptions(headers=prompt.extra_headers)
            if prompt.extra_headers
            else None,
        )
        if (
            prompt.json_schema is not None
            and caps.json_schema
            and (not grounded or schema_with_grounding(self.model))
        ):
            config.response_mime_type = "application/json"
            config.response_json_schema = prompt.json_schema
        if lat_lng := self._lat_lng(prompt):
            latitude, longitude = lat_lng
            config.tool_config = types.ToolConfig(
                retrieval_config=types.RetrievalConfig(
                    lat_lng=types.LatLng(latitude=latitude, longitude=longitude)
                )
            )
        return config

    async def complete(self, prompt: Prompt) -> Completion:
        located = self._lat_lng(prompt) is not None
        response = await self._client.aio.models.generate_content(
            model=self.model,
            contents=prompt.user_text(location_sent=located),
            config=self._config(prompt),
        )
        candidate = response.candidates[0] if response.candidates else None
        parts = candidate.content.parts if candidate and candidate.content else None
        # Thought summaries are not the answer; the answer is every other text part.
        text = "".join(p.text for p in parts or [] if p.text and not p.thought)
        grounding = candidate.grounding_metadata if candidate else None
        input_tokens, output_tokens = billed_tokens(response.usage_metadata)
        # Billed per grounded prompt (one that searched), whatever number of queries it ran.
        searched = bool(grounding and (grounding.web_search_queries or grounding.grounding_chunks))
        return Completion(
            text=text,
            model=response.model_version or self.model,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            finish_reason=_finish_reason(candidate),
            response_id=response.response_id,
            sources=grounded_sources(grounding),
            web_searches=1 if searched else 0,
        )

    async def close(self) -> None:
        await self._client.aio.aclose()


def billed_tokens(usage: types.GenerateContentResponseUsageMetadata | None) -> tuple[int, int]:
    """(input, output) as Google bills them: the search results read into the prompt (tool-use
    tokens) are input, the thinking is output."""
    if usage is None:
        return 0, 0
    return (
        (usage.prompt_token_count or 0) + (usage.tool_use_prompt_token_count or 0),
        (usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0),
    )


def _finish_reason(candidate: types.Candidate | None) -> str | None:
    reason = candidate.finish_reason if candidate else None
    return reason.value if isinstance(reason, types.FinishReason) else reason


def grounded_sources(grounding: types.GroundingMetadata | None) -> list[Source]:
    """The grounding chunks' web pages: first those the text cites, in the order it cites them,
    then the ones retrieved but not cited."""
    if grounding is None:
        return []
    chunks = grounding.grounding_chunks or []
    cited: list[int] = []
    for support in grounding.grounding_supports or []:
        cited += [i for i in support.grounding_chunk_indices or [] if 0 <= i < len(chunks)]
    order = list(dict.fromkeys([*cited, *range(len(chunks))]))
    sources: list[Source] = []
    for i in order:
        web = chunks[i].web
        if web and web.uri:
            sources.append(_source(web.uri, web.title or ""))
    return dedupe_sources(sources)


def _source(uri: str, title: str) -> Source:
    """A redirect URL says nothing about the page and expires; its title is the page's domain,
    which is what scoring reads from a link, so the source becomes that site."""
    if urlsplit(uri).hostname == GROUNDING_REDIRECT_HOST and DOMAIN.match(title.strip()):
        return Source(url=f"https://{title.strip().lower()}/", title=title)
    return Source(url=uri, title=title)
