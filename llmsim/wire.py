"""Response bodies in the providers' wire formats (what the official SDKs parse)."""

from __future__ import annotations

import time
import uuid
from typing import Any


def tokens(text: str) -> int:
    return max(1, len(text) // 4)


def chat_completion(
    model: str, prompt: str, text: str, sources: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    """A Chat Completions body; with `sources`, Perplexity's `citations` and `search_results`."""
    p, c = tokens(prompt), tokens(text)
    extra: dict[str, Any] = {}
    if sources is not None:
        extra = {
            "citations": [url for url, _ in sources],
            "search_results": [
                {"title": title, "url": url, "date": None} for url, title in sources
            ],
        }
    return {
        **extra,
        "id": f"chatcmpl-sim-{uuid.uuid4().hex[:20]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c},
    }


def _anthropic_search(prompt: str, sources: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The server-side web search: the tool call and its results, before the answer's text."""
    tool_id = f"srvtoolu_sim_{uuid.uuid4().hex[:16]}"
    results = [
        {
            "type": "web_search_result",
            "url": url,
            "title": title,
            "encrypted_content": "sim",
            "page_age": None,
        }
        for url, title in sources
    ]
    return [
        {
            "type": "server_tool_use",
            "id": tool_id,
            "name": "web_search",
            "input": {"query": prompt[:120]},
        },
        {"type": "web_search_tool_result", "tool_use_id": tool_id, "content": results},
    ]


def _anthropic_text(text: str, sources: list[tuple[str, str]]) -> dict[str, Any]:
    citations = [
        {
            "type": "web_search_result_location",
            "url": url,
            "title": title,
            "encrypted_index": "sim",
            "cited_text": title,
        }
        for url, title in sources
    ]
    return {"type": "text", "text": text, "citations": citations or None}


def anthropic_message(
    model: str, prompt: str, text: str, sources: list[tuple[str, str]], searched: bool
) -> dict[str, Any]:
    content = _anthropic_search(prompt, sources) if searched else []
    content.append(_anthropic_text(text, sources))
    usage: dict[str, Any] = {"input_tokens": tokens(prompt), "output_tokens": tokens(text)}
    if searched:
        usage["server_tool_use"] = {"web_search_requests": 1}
    return {
        "id": f"msg_sim_{uuid.uuid4().hex[:20]}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": usage,
    }


def _url_citations(text: str, sources: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Each source as an annotation over its URL in the text, or over nothing at 0 if absent."""
    annotations = []
    for url, title in sources:
        start = text.find(url)
        annotations.append(
            {
                "type": "url_citation",
                "url": url,
                "title": title,
                "start_index": max(start, 0),
                "end_index": max(start, 0) + (len(url) if start >= 0 else 0),
            }
        )
    return annotations


def openai_response(
    model: str, prompt: str, text: str, sources: list[tuple[str, str]], searched: bool
) -> dict[str, Any]:
    output: list[dict[str, Any]] = []
    if searched:
        output.append(
            {
                "type": "web_search_call",
                "id": f"ws_sim_{uuid.uuid4().hex[:16]}",
                "status": "completed",
                "action": {"type": "search", "query": prompt[:120]},
            }
        )
    output.append(
        {
            "type": "message",
            "id": f"msg_sim_{uuid.uuid4().hex[:16]}",
            "role": "assistant",
            "status": "completed",
            "content": [
                {
                    "type": "output_text",
                    "text": text,
                    "annotations": _url_citations(text, sources),
                    "logprobs": [],
                }
            ],
        }
    )
    i, o = tokens(prompt), tokens(text)
    return {
        "id": f"resp_sim_{uuid.uuid4().hex[:20]}",
        "object": "response",
        "created_at": int(time.time()),
        "model": model,
        "status": "completed",
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [{"type": "web_search"}] if searched else [],
        "usage": {
            "input_tokens": i,
            "output_tokens": o,
            "total_tokens": i + o,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0},
        },
    }
