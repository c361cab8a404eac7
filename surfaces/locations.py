"""The asker's location in each provider's own parameter, as its SDK types spell it.

Each builder answers None when the provider's parameter could carry none of what the audit
knows (a ZIP code alone, no coordinates for Gemini): the adapter then states the place in the
question instead, never both.
"""

from __future__ import annotations

from typing import Any

from geo.location import AskerLocation


def _given(location: AskerLocation, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: value for name in names if (value := getattr(location, name)) not in ("", None)}


def approximate_location(location: AskerLocation | None) -> dict[str, Any] | None:
    """OpenAI's Responses `web_search` tool and Anthropic's `web_search` server tool take the
    same `user_location`: `{"type": "approximate", city, region, country, timezone}` (openai
    `web_search_tool_param.UserLocation`, anthropic `UserLocationParam`)."""
    if location is None:
        return None
    place = _given(location, ("city", "region", "country"))
    if not place:
        return None
    return {"type": "approximate", **place, **_given(location, ("timezone",))}


def perplexity_location(location: AskerLocation | None) -> dict[str, Any] | None:
    """Perplexity's `web_search_options.user_location`: city, region, country (ISO alpha-2),
    latitude and longitude."""
    if location is None:
        return None
    given = _given(location, ("city", "region", "country", "latitude", "longitude"))
    return given or None


def gemini_lat_lng(location: AskerLocation | None) -> tuple[float, float] | None:
    """Gemini's `tool_config.retrieval_config.lat_lng` takes coordinates only."""
    if location is None or location.latitude is None or location.longitude is None:
        return None
    return location.latitude, location.longitude
