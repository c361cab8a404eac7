"""Provider errors → Temporal errors, in one place.

Temporal owns retries (the SDK clients run with max_retries=0): 408, 409, 429, 5xx, 529,
timeouts and connection errors stay retryable, with `Retry-After` honoured through
`next_retry_delay`; 400, 401, 403, 404, 413 and 422 fail at once.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from datetime import timedelta

import anthropic
import openai
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

MAX_RETRY_AFTER_S = 300.0

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


def _provider_message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
    return str(exc)


def to_application_error(exc: Exception, surface: str) -> ApplicationError:
    """Map an SDK exception to the ApplicationError Temporal retries (or not)."""
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
    # Anything else is a bug in our adapter or the SDK: retrying would only buy it again.
    return ApplicationError(
        f"{surface}: {type(exc).__name__}: {exc}", type="AdapterError", non_retryable=True
    )
