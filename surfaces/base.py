"""What every surface adapter returns, and the interface the activities rely on."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel


class Prompt(BaseModel):
    system: str
    user: str
    json_schema: dict[str, object] | None = None
    schema_name: str = "AnswerBlock"
    max_tokens: int = 2000


class Completion(BaseModel):
    text: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    finish_reason: str | None = None
    response_id: str | None = None


class Surface(Protocol):
    name: str
    model: str

    async def complete(self, prompt: Prompt) -> Completion: ...

    async def close(self) -> None: ...
