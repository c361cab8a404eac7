"""Where the renter asks from: the asker's location an audit states to every surface."""

from __future__ import annotations

from pydantic import BaseModel


class AskerLocation(BaseModel):
    """A place as precise as the audit knows it. Providers with a location parameter get it
    there (OpenAI's and Anthropic's web search `user_location`, Gemini's retrieval config,
    Perplexity's `web_search_options`); the others read it in the question."""

    city: str = ""
    region: str = ""  # state or province, as people write it ("CA", "Texas")
    country: str = ""  # ISO 3166-1 alpha-2 ("US")
    zip: str = ""
    timezone: str = ""  # IANA name ("America/Los_Angeles")
    latitude: float | None = None
    longitude: float | None = None

    def label(self) -> str:
        """How a person writes the place: "San Diego, CA 92104, US"."""
        head = ", ".join(p for p in (self.city, self.region) if p)
        head = f"{head} {self.zip}".strip() if self.zip else head
        return ", ".join(p for p in (head, self.country) if p)

    def key(self) -> str:
        """What makes two locations the same one when results are split by location."""
        return self.label().lower()
