"""The wire APIs the simulator speaks, and where each differs from the others.

Chat Completions, Responses, Messages and Gemini's generateContent share one path through the
simulator (admission, reply, count); an `Api` holds only what differs: its name in the stats,
the surface assumed when the client names none, its error format, where the model and the
prompt are, whether the model searches the web, what it refuses, the body it answers with, and
where it takes the asker's location (`llmsim.locations`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llmsim.locations import (
    gemini_lat_lng,
    invalid_approximate,
    invalid_country,
    invalid_lat_lng,
    no_location,
    perplexity_user_location,
    tool_user_location,
)
from llmsim.refusals import Dialect
from llmsim.wire import anthropic_message, chat_completion, gemini_response, openai_response

Sources = list[tuple[str, str]]  # (url, title)
# The body of a 200: (model, prompt, text, sources, searched the web).
Render = Callable[[str, str, str, Sources, bool], dict[str, Any]]
Body = dict[str, Any]


def model_in_body(body: Body, path: dict[str, str]) -> str:
    return str(body.get("model", ""))


def model_in_path(body: Body, path: dict[str, str]) -> str:
    return path.get("model", "")


def refuses_nothing(body: Body, model: str) -> str | None:
    return None


@dataclass(frozen=True)
class Api:
    name: str  # its key in the stats' `by_api`
    default_surface: str  # for a request without `x-llmsim-surface`
    dialect: Dialect  # whose error format its refusals use
    prompt: Callable[[Body], str]  # the user's text in a request body
    # (body, model, surface): does the model search the web?
    searches: Callable[[Body, str, str], bool]
    render: Render
    model: Callable[[Body, dict[str, str]], str] = model_in_body  # (body, path parameters)
    # (body, model): why the provider would answer 400 to a well-formed body, or None.
    refuses: Callable[[Body, str], str | None] = refuses_nothing
    # The asker's location in the provider's own parameter, and that parameter's name in the
    # simulator's records.
    location: Callable[[Body], dict[str, Any] | None] = no_location
    location_kind: str = ""


def user_text(messages: Any) -> str:
    """The user turns of a message list, as one text; content may be a string or parts."""
    parts: list[str] = []
    for message in messages or []:
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return "\n".join(parts)


def asks_web_search(body: Body, model: str, surface: str) -> bool:
    """Whether the request offers a web search tool (Responses' and Messages' way to search)."""
    return any(
        isinstance(t, dict) and str(t.get("type", "")).startswith("web_search")
        for t in body.get("tools") or []
    )


def _user_turns(body: dict[str, Any]) -> str:
    return user_text(body.get("messages", []))


def _input_text(body: dict[str, Any]) -> str:
    raw = body.get("input", "")
    return raw if isinstance(raw, str) else user_text(raw)


def _perplexity(body: Body, model: str, surface: str) -> bool:
    """Perplexity (its sonar models, and whatever its surface asks) searches on every call and
    returns its sources beside the message, in `citations` and `search_results`."""
    return model.startswith("sonar") or surface == "perplexity"


def _chat_body(
    model: str, prompt: str, text: str, sources: Sources, searched: bool
) -> dict[str, Any]:
    return chat_completion(model, prompt, text, sources if searched else None)


def _gemini_prompt(body: Body) -> str:
    """The user turns of `contents` (a list of `{role, parts: [{text}]}`), as one text."""
    texts: list[str] = []
    for content in body.get("contents") or []:
        if isinstance(content, dict) and content.get("role", "user") == "user":
            parts = content.get("parts") or []
            texts.extend(str(p.get("text", "")) for p in parts if isinstance(p, dict))
    return "\n".join(texts)


def _gemini_grounds(body: Body, model: str, surface: str) -> bool:
    """Grounding with Google Search (`googleSearch`, or the REST API's snake_case spelling)."""
    return any(
        isinstance(t, dict) and ("googleSearch" in t or "google_search" in t)
        for t in body.get("tools") or []
    )


def _gemini_refuses(body: Body, model: str) -> str | None:
    """Gemini 2.x takes no JSON response together with a tool; Gemini 3 does. Coordinates
    out of range are refused too."""
    if wrong := invalid_lat_lng(gemini_lat_lng(body)):
        return wrong
    config = body.get("generationConfig") or {}
    json_out = isinstance(config, dict) and config.get("responseMimeType") == "application/json"
    generation = re.match(r"^gemini-(\d+)", model)
    older = generation is None or int(generation.group(1)) < 3
    if json_out and older and _gemini_grounds(body, model, ""):
        return "Tool use with a response mime type: 'application/json' is unsupported"
    return None


def _tool_location_refused(body: Body, model: str) -> str | None:
    return invalid_approximate(tool_user_location(body))


def _perplexity_location_refused(body: Body, model: str) -> str | None:
    found = perplexity_user_location(body)
    return invalid_country(found) if found else None


CHAT = Api(
    "chat.completions",
    "openai",
    "openai",
    _user_turns,
    _perplexity,
    _chat_body,
    refuses=_perplexity_location_refused,
    location=perplexity_user_location,
    location_kind="perplexity_user_location",
)
RESPONSES = Api(
    "responses",
    "openai",
    "openai",
    _input_text,
    asks_web_search,
    openai_response,
    refuses=_tool_location_refused,
    location=tool_user_location,
    location_kind="openai_user_location",
)
MESSAGES = Api(
    "messages",
    "claude",
    "anthropic",
    _user_turns,
    asks_web_search,
    anthropic_message,
    refuses=_tool_location_refused,
    location=tool_user_location,
    location_kind="anthropic_user_location",
)
GEMINI = Api(
    "gemini",
    "gemini",
    "google",
    _gemini_prompt,
    _gemini_grounds,
    gemini_response,
    model=model_in_path,
    refuses=_gemini_refuses,
    location=gemini_lat_lng,
    location_kind="gemini_lat_lng",
)
