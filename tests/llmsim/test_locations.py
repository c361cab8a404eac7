"""Where a request says the asker is, as the simulator reads it: each wire API's parameter, the
place stated in the question (taken out before the model answers), and the malformed
parameters the providers refuse."""

from __future__ import annotations

from typing import Any, cast

import httpx
import pytest

from llmsim.locations import split_stated
from tests.llmsim.conftest import SimServer

APPROXIMATE = {"type": "approximate", "city": "Austin", "region": "TX", "country": "US"}


def test_the_stated_place_is_read_and_taken_out() -> None:
    assert split_stated("Best lofts in Austin (I'm asking from Austin, TX 78701, US)") == (
        "Best lofts in Austin",
        "Austin, TX 78701, US",
    )
    assert split_stated("Mejores lofts en Austin (Pregunto desde Austin, TX, US)") == (
        "Mejores lofts en Austin",
        "Austin, TX, US",
    )
    structured = "Query: Best lofts\nAsker location: Austin, TX, US\n\nRequirements:"
    assert split_stated(structured) == ("Query: Best lofts\n\nRequirements:", "Austin, TX, US")
    # A parenthesis that is part of the question is not a place.
    assert split_stated("Lofts (with parking) in Austin") == (
        "Lofts (with parking) in Austin",
        None,
    )


def heard(sim: SimServer) -> list[dict[str, Any]]:
    """What the simulator recorded of the asker's location, request by request."""
    return cast(list[dict[str, Any]], sim.stats()["locations"])


def post(sim: SimServer, path: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{sim.url}{path}", json=body, headers={"x-llmsim-surface": "t"})


def responses(location: dict[str, Any]) -> dict[str, Any]:
    tool = {"type": "web_search", "user_location": location}
    return {"model": "gpt-5.5", "input": "Best lofts in Austin", "tools": [tool]}


def messages(location: dict[str, Any]) -> dict[str, Any]:
    tool = {"type": "web_search_20250305", "name": "web_search", "user_location": location}
    return {
        "model": "claude-sonnet-5",
        "max_tokens": 100,
        "messages": [{"role": "user", "content": "Best lofts in Austin"}],
        "tools": [tool],
    }


def chat(location: dict[str, Any]) -> dict[str, Any]:
    return {
        "model": "sonar",
        "messages": [{"role": "user", "content": "Best lofts in Austin"}],
        "web_search_options": {"user_location": location},
    }


def gemini(lat_lng: dict[str, Any]) -> dict[str, Any]:
    return {
        "contents": [{"role": "user", "parts": [{"text": "Best lofts in Austin"}]}],
        "tools": [{"googleSearch": {}}],
        "toolConfig": {"retrievalConfig": {"latLng": lat_lng}},
    }


GEMINI_PATH = "/v1beta/models/gemini-2.5-flash:generateContent"


@pytest.mark.parametrize(
    ("path", "body", "kind"),
    [
        ("/v1/responses", responses(APPROXIMATE), "openai_user_location"),
        ("/v1/messages", messages(APPROXIMATE), "anthropic_user_location"),
        (
            "/v1/chat/completions",
            chat({"city": "Austin", "country": "US"}),
            "perplexity_user_location",
        ),
        (GEMINI_PATH, gemini({"latitude": 30.27, "longitude": -97.74}), "gemini_lat_lng"),
    ],
)
def test_each_parameter_is_recorded(
    sim: SimServer, path: str, body: dict[str, Any], kind: str
) -> None:
    assert post(sim, path, body).status_code == 200
    [record] = heard(sim)
    assert record["surface"] == "t" and record["via"] == [kind] and record["stated"] is None
    assert record["parameter"] == (
        body.get("toolConfig", {}).get("retrievalConfig", {}).get("latLng")
        or body.get("web_search_options", {}).get("user_location")
        or body["tools"][0]["user_location"]
    )


def test_a_place_said_twice_is_recorded_twice(sim: SimServer) -> None:
    body = responses(APPROXIMATE) | {"input": "Best lofts (I'm asking from Austin, TX, US)"}
    assert post(sim, "/v1/responses", body).status_code == 200
    [record] = heard(sim)
    assert record["via"] == ["openai_user_location", "in_question"]
    assert record["stated"] == "Austin, TX, US"


def test_a_request_without_a_place_records_none(sim: SimServer) -> None:
    body = {"model": "gpt-5.5", "input": "Best lofts in Austin"}
    assert post(sim, "/v1/responses", body).status_code == 200
    assert heard(sim) == [] and sim.stats()["by_location"] == {}


@pytest.mark.parametrize(
    ("path", "body", "fragment"),
    [
        ("/v1/responses", responses({"city": "Austin"}), "'approximate'"),
        ("/v1/messages", messages(APPROXIMATE | {"country": "USA"}), "two-letter"),
        ("/v1/chat/completions", chat({"country": "usa"}), "two-letter"),
        (GEMINI_PATH, gemini({"latitude": 95.0, "longitude": 0.0}), "latitude"),
    ],
)
def test_a_malformed_location_is_a_400(
    sim: SimServer, path: str, body: dict[str, Any], fragment: str
) -> None:
    response = post(sim, path, body)
    assert response.status_code == 400 and fragment in response.text
    assert heard(sim) == []
