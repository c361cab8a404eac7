"""The three wire APIs the simulator speaks, and where each differs from the others.

Chat Completions, Responses and Messages share one path through the simulator (admission,
reply, count); an `Api` holds only what differs: its name in the stats, the surface assumed
when the client names none, its error format, where the prompt is, whether the model searches
the web, and the body it answers with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from llmsim.wire import anthropic_message, chat_completion, openai_response

Sources = list[tuple[str, str]]  # (url, title)
# The body of a 200: (model, prompt, text, sources, searched the web).
Render = Callable[[str, str, str, Sources, bool], dict[str, Any]]


@dataclass(frozen=True)
class Api:
    name: str  # its key in the stats' `by_api`
    default_surface: str  # for a request without `x-llmsim-surface`
    dialect: Literal["openai", "anthropic"]  # whose error format its refusals use
    prompt: Callable[[dict[str, Any]], str]  # the user's text in a request body
    searches: Callable[[dict[str, Any], str], bool]  # (body, model): does the model search?
    render: Render


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


def asks_web_search(body: dict[str, Any], model: str) -> bool:
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


def _sonar(body: dict[str, Any], model: str) -> bool:
    """Perplexity's sonar models search on every call and return their sources beside the
    message, in `citations` and `search_results`."""
    return model.startswith("sonar")


def _chat_body(
    model: str, prompt: str, text: str, sources: Sources, searched: bool
) -> dict[str, Any]:
    return chat_completion(model, prompt, text, sources if searched else None)


CHAT = Api("chat.completions", "openai", "openai", _user_turns, _sonar, _chat_body)
RESPONSES = Api("responses", "openai", "openai", _input_text, asks_web_search, openai_response)
MESSAGES = Api("messages", "claude", "anthropic", _user_turns, asks_web_search, anthropic_message)
