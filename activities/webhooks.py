"""Delivering a webhook body through the SSRF guard, with its failures told apart for Temporal:
an internal address or a redirect will never work (not retried), a 4xx/5xx answer or an
unreachable receiver may work later (retried). Only the status code is read, never the body.
`Posting` is what the activities that post to a property's webhook (alerts, digests) are built
with."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.exceptions import ApplicationError

from config.egress import EgressPolicy, EgressRefused, Redirected, post_json
from geo.notify import Links

# Where messages link to when the worker names no address of its own (the tests).
LOCAL_LINKS = Links(api="http://127.0.0.1:8000")


class Posting:
    """The database, the SSRF guard webhooks go through, and where messages link to."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        egress: EgressPolicy | None = None,
        links: Links | None = None,
    ) -> None:
        self._sessions = sessions
        self._egress = egress or EgressPolicy()
        self._links = links or LOCAL_LINKS


async def deliver(url: str, body: dict[str, Any], egress: EgressPolicy) -> int:
    """POST `body` to `url`; the receiver's status code, or an ApplicationError."""
    try:
        status = await post_json(url, body, egress)
    except EgressRefused as exc:
        raise ApplicationError(
            f"webhook refused: {exc}", type="WebhookRefused", non_retryable=True
        ) from None
    except Redirected as exc:
        raise ApplicationError(str(exc), type="WebhookRefused", non_retryable=True) from None
    except httpx.HTTPError as exc:
        raise ApplicationError(
            f"webhook unreachable ({type(exc).__name__})", type="WebhookFailed"
        ) from None
    if status >= 400:
        raise ApplicationError(f"webhook answered HTTP {status}", type="WebhookFailed")
    return status
