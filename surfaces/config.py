"""How to reach one surface: provider family, model, endpoint, key and limits."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, SecretStr

Provider = Literal["openai", "anthropic"]


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

    @property
    def task_queue(self) -> str:
        return f"llm-{self.name}"
