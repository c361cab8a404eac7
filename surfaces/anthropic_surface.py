"""Claude surface over the official async Anthropic SDK (Messages API)."""

from __future__ import annotations

from typing import Any

from anthropic import AsyncAnthropic

from surfaces.base import Completion, Prompt
from surfaces.capabilities import claude_supports_json_schema
from surfaces.config import SurfaceConfig


class AnthropicSurface:
    def __init__(self, config: SurfaceConfig) -> None:
        self.name = config.name
        self.model = config.model
        headers = {"x-llmsim-surface": config.name} if config.simulator else None
        self._client = AsyncAnthropic(
            api_key=config.api_key.get_secret_value() if config.api_key else "unset",
            base_url=config.base_url,
            # Temporal owns retries so every attempt is visible in the workflow's history.
            max_retries=0,
            timeout=config.timeout_s,
            default_headers=headers,
        )

    async def complete(self, prompt: Prompt) -> Completion:
        kwargs: dict[str, Any] = {}
        if prompt.json_schema is not None and claude_supports_json_schema(self.model):
            kwargs["output_config"] = {
                "format": {"type": "json_schema", "schema": prompt.json_schema}
            }
        message = await self._client.messages.create(
            model=self.model,
            max_tokens=prompt.max_tokens,
            system=prompt.system,
            messages=[{"role": "user", "content": prompt.user}],
            **kwargs,
        )
        text = "\n".join(
            block.text for block in message.content if getattr(block, "type", "") == "text"
        )
        return Completion(
            text=text,
            model=message.model or self.model,
            input_tokens=message.usage.input_tokens,
            output_tokens=message.usage.output_tokens,
            finish_reason=message.stop_reason,
            response_id=message.id,
        )

    async def close(self) -> None:
        await self._client.close()
