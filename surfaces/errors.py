"""Provider errors → Temporal errors, in one place.

Temporal owns retries (the SDK clients run with their own retries off): 408, 409, 429, 5xx,
529, timeouts and connection errors stay retryable, with `Retry-After` (or Google's `RetryInfo`)
honoured through `next_retry_delay`; 400, 401, 403, 404, 413 and 422 fail at once. A key the
provider refuses stops the whole surface (`contracts.errors.FATAL_SURFACE_ERRORS`): Google
answers a bad key with a 400 whose `ErrorInfo` says `API_KEY_INVALID`, which must not read as
one bad question.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import anthropic
import httpx
import openai
from google.genai import errors as genai_errors
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

MAX_RETRY_AFTER_S = 300.0

# google-genai's transport: httpx, or its fork httpx2 (no common base class) where installed.
TRANSPORT_TIMEOUTS: tuple[type[Exception], ...] = (httpx.TimeoutException,)
TRANSPORT_ERRORS: tuple[type[Exception], ...] = (httpx.TransportError,)
try:
    import httpx2

    TRANSPORT_TIMEOUTS += (httpx2.TimeoutException,)
    TRANSPORT_ERRORS += (httpx2.TransportError,)
except ImportError:  # google-genai before 3.x
    pass

_NON_RETRYABLE_BY_STATUS = {
    400: "BadRequest",
    401: "AuthError",
    403: "PermissionDenied",
    404: "NotFound",
    413: "BadRequest",
    422: "Unprocessable",
}


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from `retry-after-ms` or `retry-after` (seconds or an HTTP date)."""
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            return min(MAX_RETRY_AFTER_S, max(0.0, float(ms) / 1000))
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return min(MAX_RETRY_AFTER_S, max(0.0, float(value)))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return min(MAX_RETRY_AFTER_S, max(0.0, when - time.time()))


def _google_details(details: Any, kind: str) -> list[dict[str, Any]]:
    """The details of one `google.rpc` kind (`RetryInfo`, `ErrorInfo`) in a Google error."""
    return [
        d
        for d in (details if isinstance(details, list) else [])
        if isinstance(d, dict) and str(d.get("@type", "")).endswith(f"google.rpc.{kind}")
    ]


def retry_delay_seconds(details: Any) -> float | None:
    """Seconds from a Google error's `google.rpc.RetryInfo` detail (`"retryDelay": "7s"`)."""
    for detail in _google_details(details, "RetryInfo"):
        delay = detail.get("retryDelay")
        if isinstance(delay, dict):  # the proto's own shape, should a proxy re-encode it
            seconds = float(delay.get("seconds", 0)) + float(delay.get("nanos", 0)) / 1e9
            return min(MAX_RETRY_AFTER_S, max(0.0, seconds))
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)s\s*", str(delay or ""))
        if match:
            return min(MAX_RETRY_AFTER_S, float(match.group(1)))
    return None


def _provider_message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
    return str(exc)


def _delay(seconds: float | None) -> timedelta | None:
    return timedelta(seconds=seconds) if seconds else None


def to_application_error(exc: Exception, surface: str) -> ApplicationError:
    """Map an SDK exception to the ApplicationError Temporal retries (or not)."""
    if isinstance(exc, genai_errors.APIError):
        return _google_error(exc, surface)
    status_error = (openai.APIStatusError, anthropic.APIStatusError)
    connection_error = (openai.APIConnectionError, anthropic.APIConnectionError)
    if isinstance(exc, status_error):
        status = exc.status_code
        message = f"{surface}: HTTP {status}: {_provider_message(exc)}"
        if status in _NON_RETRYABLE_BY_STATUS:
            return ApplicationError(
                message, type=_NON_RETRYABLE_BY_STATUS[status], non_retryable=True
            )
        if status == 429:
            delay = retry_after_seconds(exc.response.headers)
            return ApplicationError(
                message,
                type="RateLimited",
                next_retry_delay=timedelta(seconds=delay) if delay else None,
                category=ApplicationErrorCategory.BENIGN,
            )
        delay = retry_after_seconds(exc.response.headers)
        return ApplicationError(
            message,
            type="ProviderUnavailable",
            next_retry_delay=timedelta(seconds=delay) if delay else None,
        )
    if isinstance(exc, (openai.APITimeoutError, anthropic.APITimeoutError)):
        return ApplicationError(f"{surface}: request timed out", type="ProviderTimeout")
    if isinstance(exc, connection_error):
        return ApplicationError(f"{surface}: connection error: {exc}", type="ProviderConnection")
    # google-genai lets its transport's errors through unwrapped.
    if isinstance(exc, TRANSPORT_TIMEOUTS):
        return ApplicationError(f"{surface}: request timed out", type="ProviderTimeout")
    if isinstance(exc, TRANSPORT_ERRORS):
        return ApplicationError(f"{surface}: connection error: {exc}", type="ProviderConnection")
    # Anything else is a bug in our adapter or the SDK: retrying would only buy it again.
    return ApplicationError(
        f"{surface}: {type(exc).__name__}: {exc}", type="AdapterError", non_retryable=True
    )


# `ErrorInfo` reasons of a key Google refuses (answered 400 INVALID_ARGUMENT, not 401).
GOOGLE_BAD_KEY_REASONS = frozenset({"API_KEY_INVALID", "API_KEY_EXPIRED"})


def _google_error(exc: genai_errors.APIError, surface: str) -> ApplicationError:
    """Google's error body: `{"error": {"code", "message", "status", "details": [...]}}`."""
    body = exc.details if isinstance(exc.details, dict) else {}
    error = body.get("error")
    details = error.get("details") if isinstance(error, dict) else None
    reasons = {str(d.get("reason")) for d in _google_details(details, "ErrorInfo")}
    status, name = exc.code, exc.status or ""
    why = f" ({', '.join(sorted(reasons))})" if reasons else ""
    message = f"{surface}: HTTP {status} {name}{why}: {exc.message or exc}"
    if status == 401 or name == "UNAUTHENTICATED" or reasons & GOOGLE_BAD_KEY_REASONS:
        return ApplicationError(message, type="AuthError", non_retryable=True)
    # PERMISSION_DENIED (the key lacks the API) and FAILED_PRECONDITION (no billing, or a region
    # the API does not serve) fail every question alike: the surface stops.
    if status == 403 or name in ("PERMISSION_DENIED", "FAILED_PRECONDITION"):
        return ApplicationError(message, type="PermissionDenied", non_retryable=True)
    if status in _NON_RETRYABLE_BY_STATUS:
        return ApplicationError(message, type=_NON_RETRYABLE_BY_STATUS[status], non_retryable=True)
    headers = getattr(exc.response, "headers", None) or {}
    delay = retry_delay_seconds(details)
    if delay is None:
        delay = retry_after_seconds(headers)
    if status == 429:
        return ApplicationError(
            message,
            type="RateLimited",
            next_retry_delay=_delay(delay),
            category=ApplicationErrorCategory.BENIGN,
        )
    return ApplicationError(message, type="ProviderUnavailable", next_retry_delay=_delay(delay))
