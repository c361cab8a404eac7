"""A thin HTTP client for the API, with its errors made readable, and `api()`, which gives each
command a client for the address and key the root options chose."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import typer
from pydantic import ValidationError

from cli.output import fail
from config.settings import Settings


class ApiError(Exception):
    """The API refused a request (its HTTP status and `detail`), or could not be reached
    (status 0)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}" if status else detail)
        self.status = status
        self.detail = detail


def _field_error(error: Any) -> str:
    if not isinstance(error, dict):
        return str(error)
    # "body"/"query"/"path" only say where FastAPI looked; the field name is what helps.
    where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
    message = str(error.get("msg", error))
    return f"{where}: {message}" if where else message


def _detail(response: httpx.Response) -> str:
    """The API's `detail`; a 422's list of field errors becomes `field: message; …`."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip() or response.reason_phrase
    detail = body.get("detail", body) if isinstance(body, dict) else body
    if isinstance(detail, list):
        return "; ".join(_field_error(item) for item in detail)
    return str(detail)


class ApiClient:
    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        timeout: float = 30,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"X-API-Key": api_key} if api_key else {}
        self._http = httpx.Client(
            base_url=base_url, headers=headers, timeout=timeout, transport=transport
        )

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.RequestError as exc:
            raise ApiError(0, f"cannot reach the API at {self._http.base_url}: {exc}") from exc
        if response.is_error:
            raise ApiError(response.status_code, _detail(response))
        return response

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, path, **kwargs)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            # A wrong --api-url often lands on some other web server that answers 200 in HTML.
            raise ApiError(
                0, f"{self._http.base_url} did not answer JSON: is it the PropertyAudit API?"
            ) from exc

    def text(self, path: str, **kwargs: Any) -> str:
        """A GET whose answer is text (reports), with the same error handling."""
        return self._send("GET", path, **kwargs).text

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


@dataclass(frozen=True)
class ApiTarget:
    """Where the commands' requests go, as the root options (or their env vars) gave it."""

    url: str | None = None
    key: str | None = None
    # Lets a test answer the requests (httpx.MockTransport) without any server.
    transport: httpx.BaseTransport | None = None

    def connect(self) -> ApiClient:
        url, key = self.url, self.key
        if not (url and key):
            # What the CLI always read as well: .env, PROPERTYAUDIT_API_KEY_FILE, API_PORT. Only
            # now, not in the root callback, so that a broken setting cannot break --help.
            settings = _settings()
            url = url or settings.propertyaudit_api_url
            secret = settings.propertyaudit_api_key
            key = key or (secret.get_secret_value() if secret else None)
        return ApiClient(url, key, transport=self.transport)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        fail(f"the settings (environment or .env) are invalid: {exc}")


# What a newcomer most likely has to do about an error, by status (0: no answer at all).
HINTS = {
    0: "is the API running (make up)? Its address: --api-url or PROPERTYAUDIT_API_URL",
    401: "give the key: PROPERTYAUDIT_API_KEY or --api-key",
}


@contextmanager
def api(ctx: typer.Context) -> Iterator[ApiClient]:
    """The command's API client; an API error ends the command on stderr with exit code 1."""
    client = (ctx.find_object(ApiTarget) or ApiTarget()).connect()
    try:
        yield client
    except ApiError as exc:
        hint = HINTS.get(exc.status)
        fail(f"{exc} ({hint})" if hint else str(exc))
    finally:
        client.close()
