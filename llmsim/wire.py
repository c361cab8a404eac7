"""Response bodies in the providers' wire formats (what the official SDKs parse)."""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import urlsplit


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


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _grounding_supports(text: str, sources: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Each source supporting the stretch of text that shows it (its URL, else its title), in
    UTF-8 byte offsets as Gemini counts them; a source the text never shows supports nothing."""
    supports = []
    for i, (url, title) in enumerate(sources):
        for needle in (url, title):
            at = text.find(needle) if needle else -1
            if at >= 0:
                start = len(text[:at].encode())
                supports.append(
                    {
                        "segment": {
                            "startIndex": start,
                            "endIndex": start + len(needle.encode()),
                            "text": needle,
                        },
                        "groundingChunkIndices": [i],
                    }
                )
                break
    return supports


def gemini_response(
    model: str, prompt: str, text: str, sources: list[tuple[str, str]], searched: bool
) -> dict[str, Any]:
    """A `generateContent` body; grounded with Google Search when `searched`. Gemini thinks
    before answering (thought tokens bill as output) and reads search results into its prompt
    (tool-use tokens bill as input): both are reported apart, as the API does."""
    candidate: dict[str, Any] = {
        "content": {"role": "model", "parts": [{"text": text}]},
        "finishReason": "STOP",
        "index": 0,
    }
    p, c = tokens(prompt), tokens(text)
    thoughts = c // 2
    usage: dict[str, Any] = {
        "promptTokenCount": p,
        "candidatesTokenCount": c,
        "thoughtsTokenCount": thoughts,
        "totalTokenCount": p + c + thoughts,
    }
    if searched:
        # Gemini titles a grounding chunk with its site's domain.
        sources = [(url, _site(url) or title) for url, title in sources]
        candidate["groundingMetadata"] = {
            "webSearchQueries": [prompt[:120]],
            "groundingChunks": [{"web": {"uri": url, "title": title}} for url, title in sources],
            "groundingSupports": _grounding_supports(text, sources),
        }
        read = sum(tokens(url + title) for url, title in sources)
        usage["toolUsePromptTokenCount"] = read
        usage["totalTokenCount"] += read
    return {
        "candidates": [candidate],
        "usageMetadata": usage,
        "modelVersion": model,
        "responseId": f"sim-{uuid.uuid4().hex[:20]}",
    }
