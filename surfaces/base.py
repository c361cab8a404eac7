"""What every surface adapter takes and returns, and the interface the activities rely on."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from geo.location import AskerLocation
from surfaces.config import SurfaceConfig


class Prompt(BaseModel):
    system: str
    user: str
    json_schema: dict[str, object] | None = None
    schema_name: str = "AnswerBlock"
    max_tokens: int = 2000
    web_search: bool = False
    # None: the model's default sampling; 0 for one deterministic answer; higher for samples.
    temperature: float | None = None
    # Where the renter asks from. A surface that takes it as a parameter sends `user` as it is;
    # any other sends `user_with_location`, the same text with the place stated in it.
    asker_location: AskerLocation | None = None
    user_with_location: str = ""
    # Simulator mode only: what the simulated model "knows" (never sent to a real provider).
    extra_headers: dict[str, str] = Field(default_factory=dict)

    def user_text(self, *, location_sent: bool) -> str:
        """The user's text: the place is said once, as a parameter (`location_sent`) or in it."""
        if location_sent or not self.user_with_location:
            return self.user
        return self.user_with_location


class Source(BaseModel):
    """A page the provider's web search grounded the answer in."""

    url: str
    title: str = ""


class Completion(BaseModel):
    text: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    finish_reason: str | None = None
    response_id: str | None = None
    sources: list[Source] = Field(default_factory=list)
    web_searches: int = 0


class Surface(Protocol):
    name: str
    model: str

    async def complete(self, prompt: Prompt) -> Completion: ...

    async def close(self) -> None: ...


class SdkSurface:
    """What the adapters over a provider's SDK share: which surface and model they are, and
    what that model accepts."""

    def __init__(self, config: SurfaceConfig) -> None:
        self.name = config.name
        self.model = config.model
        self.capabilities = config.capabilities


def dedupe_sources(sources: list[Source]) -> list[Source]:
    seen: set[str] = set()
    out: list[Source] = []
    for source in sources:
        if source.url and source.url not in seen:
            seen.add(source.url)
            out.append(source)
    return out
