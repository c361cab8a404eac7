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
    default: bool = True
    input_per_mtok: float | None = None
    output_per_mtok: float | None = None

    @property
    def prices(self) -> tuple[float, float] | None:
        if self.input_per_mtok is None or self.output_per_mtok is None:
            return None
        return self.input_per_mtok, self.output_per_mtok

    @property
    def task_queue(self) -> str:
        return f"llm-{self.name}"
