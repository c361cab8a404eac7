"""The CLI against a fake API: httpx.MockTransport answers from a table, so no server runs and
each test sees exactly the requests the CLI sent."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from cli import main as cli_main
from cli.client import ApiTarget

API_URL = "http://api.test"


@dataclass
class FakeApi:
    """Answers (method, path) with its queued answers in turn, then the last one again: what
    polling a changing state looks like. Anything else is a 404, as the API would say it."""

    routes: dict[tuple[str, str], list[httpx.Response]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def on(self, method: str, path: str, *bodies: Any, status: int = 200) -> None:
        self.routes[(method, path)] = [httpx.Response(status, json=body) for body in bodies]

    def on_response(self, method: str, path: str, response: httpx.Response) -> None:
        self.routes[(method, path)] = [response]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        # A command that polls forever fails the test instead of hanging it.
        assert len(self.requests) < 50, f"{len(self.requests)} requests: does it ever stop?"
        answers = self.routes.get((request.method, request.url.path))
        if not answers:
            return httpx.Response(404, json={"detail": "Not Found"})
        return answers.pop(0) if len(answers) > 1 else answers[0]

    def sent(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if (r.method, r.url.path) == (method, path)]

    def invoke(
        self,
        *args: str,
        env: Mapping[str, str | None] | None = None,
        url: str | None = API_URL,
        key: str | None = "test-key",
    ) -> Result:
        """Run `propertyaudit ARGS`; url or key None leaves it to the options, env and settings."""
        target = ApiTarget(url=url, key=key, transport=httpx.MockTransport(self.handle))
        return CliRunner().invoke(cli_main.app, list(args), obj=target, env=env)


@pytest.fixture(autouse=True)
def no_local_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Neither the developer's environment nor a .env in the checkout reaches these tests."""
    for name in ("PROPERTYAUDIT_API_URL", "PROPERTYAUDIT_API_KEY", "PROPERTYAUDIT_API_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def fake_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    # The polling loops wait between requests; against a table there is nothing to wait for.
    monkeypatch.setattr(time, "sleep", lambda _s: None)
    yield FakeApi()
