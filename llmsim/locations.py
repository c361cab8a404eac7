"""Where a request says the asker is: in the provider's own parameter, or in the question.

Each wire API has one place for it: the Responses `web_search` tool's `user_location`
(OpenAI), the Messages `web_search` server tool's `user_location` (Anthropic), `toolConfig.
retrievalConfig.latLng` (Gemini), `web_search_options.user_location` (Perplexity's Chat
Completions). A client without one states the place in the question, as PropertyAudit's prompts
do: "… (I'm asking from San Diego, CA, US)", "… (Pregunto desde …)" or an "Asker location:"
line. The simulator records which it got, and answers as if the place were not said, so an
audit's ground truth does not move with where it asks from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Body = dict[str, Any]
IN_QUESTION = "in_question"
# A renter's words after the question, and the structured prompt's line.
STATED = re.compile(r"\s*\((?:I'm asking from|Pregunto desde) ([^()\n]+)\)\s*$")
ASKER_LINE = re.compile(r"^Asker location: *(.*)\n?", re.MULTILINE)
COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class Heard:
    """What one request said of the asker's location: the parameter's values (None: no
    parameter) and the place stated in the question (None: not stated)."""

    parameter: dict[str, Any] | None
    stated: str | None

    def via(self, kind: str) -> list[str]:
        return [k for k, v in ((kind, self.parameter), (IN_QUESTION, self.stated)) if v]


def split_stated(prompt: str) -> tuple[str, str | None]:
    """(the prompt without the place it states, that place or None)."""
    line = ASKER_LINE.search(prompt)
    if line:
        return prompt[: line.start()] + prompt[line.end() :], line.group(1).strip()
    tail = STATED.search(prompt)
    if tail:
        return prompt[: tail.start()], tail.group(1).strip()
    return prompt, None


def no_location(body: Body) -> dict[str, Any] | None:
    return None


def tool_user_location(body: Body) -> dict[str, Any] | None:
    """A web search tool's `user_location` (OpenAI's Responses, Anthropic's Messages)."""
    for tool in body.get("tools") or []:
        if isinstance(tool, dict) and str(tool.get("type", "")).startswith("web_search"):
            found = tool.get("user_location")
            return found if isinstance(found, dict) else None
    return None


def perplexity_user_location(body: Body) -> dict[str, Any] | None:
    options = body.get("web_search_options")
    found = options.get("user_location") if isinstance(options, dict) else None
    return found if isinstance(found, dict) else None


def _field(mapping: Any, *names: str) -> Any:
    """The first of `names` a mapping has (a REST field in camelCase or snake_case)."""
    if isinstance(mapping, dict):
        for name in names:
            if name in mapping:
                return mapping[name]
    return None


def gemini_lat_lng(body: Body) -> dict[str, Any] | None:
    """`toolConfig.retrievalConfig.latLng`."""
    config = _field(body, "toolConfig", "tool_config")
    retrieval = _field(config, "retrievalConfig", "retrieval_config")
    found = _field(retrieval, "latLng", "lat_lng")
    return found if isinstance(found, dict) else None


def invalid_approximate(found: dict[str, Any] | None) -> str | None:
    """Why OpenAI or Anthropic would answer 400 to a `user_location`, or None."""
    if found is None:
        return None
    if found.get("type") != "approximate":
        return "user_location.type: Input should be 'approximate'"
    return invalid_country(found)


def invalid_country(found: dict[str, Any]) -> str | None:
    country = found.get("country")
    if country is not None and not COUNTRY.match(str(country)):
        return f"user_location.country: {country!r} is not a two-letter ISO 3166-1 code"
    return None


def invalid_lat_lng(found: dict[str, Any] | None) -> str | None:
    """Why Gemini would answer 400 to a `latLng`, or None."""
    if found is None:
        return None
    lat, lng = found.get("latitude"), found.get("longitude")
    if not isinstance(lat, int | float) or not -90 <= lat <= 90:
        return "retrievalConfig.latLng.latitude must be in [-90, 90]"
    if not isinstance(lng, int | float) or not -180 <= lng <= 180:
        return "retrievalConfig.latLng.longitude must be in [-180, 180]"
    return None
