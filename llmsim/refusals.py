"""Refusals in each provider's own error format, so the official SDKs raise what they raise
against the real APIs.

OpenAI and Anthropic answer a bad key 401 and a rate limit 429 with `retry-after`; Google
answers a bad key 400 `INVALID_ARGUMENT` (its `ErrorInfo` says `API_KEY_INVALID`) and a rate
limit 429 `RESOURCE_EXHAUSTED` whose `RetryInfo` detail carries the delay, with no header.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Dialect = Literal["openai", "anthropic", "google"]

BAD_BODY = "request body must be a JSON object with a model"
RATE_LIMITED = "Rate limit reached for {model} (simulated)"
# status -> (message, type, code) as OpenAI words a refusal.
OPENAI_ERRORS: dict[int, tuple[str, str, str | None]] = {
    400: (BAD_BODY, "invalid_request_error", None),
    401: ("Incorrect API key provided (simulated).", "invalid_request_error", "invalid_api_key"),
    429: (RATE_LIMITED, "requests", "rate_limit_exceeded"),
    500: ("The server had an error (simulated)", "server_error", None),
    503: ("The server had an error (simulated)", "server_error", None),
}
# status -> (message, type) as Anthropic words a refusal; 529 is its "overloaded".
ANTHROPIC_ERRORS: dict[int, tuple[str, str]] = {
    400: (BAD_BODY, "invalid_request_error"),
    401: ("invalid x-api-key (simulated)", "authentication_error"),
    429: (RATE_LIMITED, "rate_limit_error"),
    500: ("Overloaded (simulated)", "api_error"),
    529: ("Overloaded (simulated)", "overloaded_error"),
}
# status -> (message, status name) as Google words a refusal.
GOOGLE_ERRORS: dict[int, tuple[str, str]] = {
    400: (BAD_BODY, "INVALID_ARGUMENT"),
    429: ("Resource has been exhausted for {model} (simulated).", "RESOURCE_EXHAUSTED"),
    500: ("An internal error has occurred (simulated).", "INTERNAL"),
    503: ("The model is overloaded. Please try again later (simulated).", "UNAVAILABLE"),
}
GOOGLE_BAD_KEY = "API key not valid. Please pass a valid API key (simulated)."
# The server errors each provider answers with, drawn at random for an `error` fault.
SERVER_ERRORS: dict[Dialect, tuple[int, ...]] = {
    "openai": (500, 503),
    "anthropic": (529, 500),
    "google": (500, 503),
}


@dataclass(frozen=True)
class Refusal:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def _seconds(seconds: float) -> str:
    """Seconds as the shortest decimal (7, 1.5, 0.125): what the SDKs parse as a float."""
    return f"{max(seconds, 0.0):.3f}".rstrip("0").rstrip(".")


def _google(status: int, model: str, message: str | None = None, *details: Any) -> Refusal:
    default, name = GOOGLE_ERRORS[status]
    error: dict[str, Any] = {
        "code": status,
        "message": (message or default).format(model=model),
        "status": name,
    }
    if details:
        error["details"] = list(details)
    return Refusal(status, {"error": error})


def _listed(dialect: Dialect, status: int, model: str) -> Refusal:
    """A refusal as the provider's table words it."""
    if dialect == "google":
        return _google(status, model)
    if dialect == "anthropic":
        message, kind = ANTHROPIC_ERRORS[status]
        body = {"type": "error", "error": {"type": kind, "message": message.format(model=model)}}
        return Refusal(status, body)
    message, kind, code = OPENAI_ERRORS[status]
    error = {"message": message.format(model=model), "type": kind, "param": None, "code": code}
    return Refusal(status, {"error": error})


def bad_request(dialect: Dialect, model: str, message: str | None = None) -> Refusal:
    """A body the provider cannot take: not JSON, no model, or a combination it refuses."""
    if message is None:
        return _listed(dialect, 400, model)
    if dialect == "google":
        return _google(400, model, message)
    refusal = _listed(dialect, 400, model)
    refusal.body["error"]["message"] = message
    return refusal


def bad_key(dialect: Dialect, model: str) -> Refusal:
    if dialect != "google":
        return _listed(dialect, 401, model)
    info = {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "API_KEY_INVALID",
        "domain": "googleapis.com",
        "metadata": {"service": "generativelanguage.googleapis.com"},
    }
    return _google(400, model, GOOGLE_BAD_KEY, info)


def rate_limited(dialect: Dialect, model: str, retry_after_s: float) -> Refusal:
    if dialect != "google":
        refusal = _listed(dialect, 429, model)
        return Refusal(refusal.status, refusal.body, {"retry-after": _seconds(retry_after_s)})
    retry = {
        "@type": "type.googleapis.com/google.rpc.RetryInfo",
        "retryDelay": f"{_seconds(retry_after_s)}s",
    }
    return _google(429, model, None, retry)


def server_error(dialect: Dialect, status: int, model: str) -> Refusal:
    return _listed(dialect, status, model)
