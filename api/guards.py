"""Guards in front of every route: a request body is bounded before it is read into memory, and
a query string must be storable text."""

from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.middleware import HttpMiddleware


class RequestGuard(HttpMiddleware):
    """413 for a body over `max_bytes` (by its Content-Length, or counted as it streams in);
    422 for a query string holding NUL or bytes that are no UTF-8."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        bad_query = _query_problem(scope.get("query_string", b""))
        if bad_query:
            await _answer(send, 422, bad_query)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _answer(send, 413, self._too_large())
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except _TooLarge:
            if not started:
                await _answer(send, 413, self._too_large())

    def _too_large(self) -> str:
        return f"the request body is larger than {self.max_bytes} bytes (MAX_REQUEST_BYTES)"


class _TooLarge(BaseException):
    """Raised from `receive`; a BaseException so that no handler on the way (FastAPI turns an
    Exception while reading a body into a 400) mistakes it for a malformed body."""


def _query_problem(raw: bytes) -> str | None:
    for part in raw.split(b"&"):
        for piece in part.split(b"=", 1):
            value = unquote_to_bytes(piece.replace(b"+", b" "))
            if b"\x00" in value:
                return "query parameters must not contain NUL characters"
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                return "query parameters must be UTF-8 text"
    return None


async def _answer(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
