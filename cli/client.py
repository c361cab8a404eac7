"""A thin HTTP client for the API: base URL and key from the settings, errors made readable;
`api()` gives the CLI's commands one, ending a command with the API's message on error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import typer
from rich.console import Console
from rich.markup import escape

from config.settings import Settings


class ApiError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.detail = detail


class ApiClient:
    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 30) -> None:
        headers = {"X-API-Key": api_key} if api_key else {}
        self._http = httpx.Client(base_url=base_url, headers=headers, timeout=timeout)

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiClient:
        key = settings.propertyaudit_api_key
        return cls(settings.propertyaudit_api_url, key.get_secret_value() if key else None)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise ApiError(0, f"cannot reach the API at {self._http.base_url}: {exc}") from exc
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            raise ApiError(response.status_code, str(detail))
        return response.json() if response.content else None

    def text(self, path: str, **kwargs: Any) -> str:
        """A GET whose answer is text (reports), with the same error handling."""
        try:
            response = self._http.get(path, **kwargs)
        except httpx.TransportError as exc:
            raise ApiError(0, f"cannot reach the API at {self._http.base_url}: {exc}") from exc
        if response.status_code >= 400:
            raise ApiError(response.status_code, response.text)
        return response.text

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


console = Console()


@contextmanager
def api() -> Iterator[ApiClient]:
    """The API client; an API error ends the command with its message and exit code 1."""
    client = ApiClient.from_settings(Settings())
    try:
        yield client
    except ApiError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    finally:
        client.close()
