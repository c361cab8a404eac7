"""OpenAI (and OpenAI-compatible) surface over the official async SDK."""

from __future__ import annotations

from typing import Any

from openai import AsyncOpenAI

from surfaces.base import Completion, Prompt
from surfaces.capabilities import accepts_temperature, uses_max_completion_tokens
from surfaces.config import SurfaceConfig


class OpenAISurface:
    def __init__(self, config: SurfaceConfig) -> None:
        self.name = config.name
        self.model = config.model
        headers = {"x-llmsim-surface": config.name} if config.simulator else None
        self._client = AsyncOpenAI(
            api_key=config.api_key.get_secret_value() if config.api_key else "unset",
            base_url=config.base_url,
            # Temporal owns retries so every attempt is visible in the workflow's history.
            max_retries=0,
            timeout=config.timeout_s,
            default_headers=headers,
        )

    async def complete(self, prompt: Prompt) -> Completion:
        kwargs: dict[str, Any] = {}
        if uses_max_completion_tokens(self.model):
            kwargs["max_completion_tokens"] = prompt.max_tokens
        else:
            kwargs["max_tokens"] = prompt.max_tokens
        if accepts_temperature(self.model):
            kwargs["temperature"] = 0
        if prompt.json_schema is not None:
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": prompt.schema_name,
                    "strict": True,
                    "schema": prompt.json_schema,
                },
            }
        response = await self._client.chat.completions.create(
            model=self.model,
            messages=[
                {"role": "system", "content": prompt.system},
                {"role": "user", "content": prompt.user},
            ],
            **kwargs,
        )
        choice = response.choices[0] if response.choices else None
        usage = response.usage
        return Completion(
            text=(choice.message.content or "") if choice else "",
            model=response.model or self.model,
            input_tokens=usage.prompt_tokens if usage else 0,
            output_tokens=usage.completion_tokens if usage else 0,
            finish_reason=choice.finish_reason if choice else None,
            response_id=response.id,
        )

    async def close(self) -> None:
        await self._client.close()
