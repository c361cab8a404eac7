"""What the pages of a test did: console errors, uncaught errors, every request."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, ConsoleMessage, Request, WebError

HTMX = "/static/vendor/htmx-2.0.11.min.js"


@dataclass
class Watch:
    """Console errors, uncaught errors and requests of every page of the contexts it watches."""

    origin: str
    requests: list[tuple[str, str]] = field(default_factory=list)  # (resource type, URL)
    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> BrowserContext:
        context.on("request", self._request)
        context.on("console", self._console)
        context.on("weberror", self._uncaught)
        return context

    def allow(self, pattern: str) -> None:
        """A console error the test provokes on purpose (a 401 or 403 it asks for)."""
        self.allowed.append(re.compile(pattern))

    def _request(self, request: Request) -> None:
        self.requests.append((request.resource_type, request.url))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url") or (message.page.url if message.page else "?")
            self.errors.append(f"console error ({where}): {message.text}")

    def _uncaught(self, error: WebError) -> None:
        where = error.page.url if error.page else "?"
        self.errors.append(f"uncaught error ({where}): {error.error}")

    def problems(self) -> list[str]:
        found = [e for e in self.errors if not any(p.search(e) for p in self.allowed)]
        found += [
            f"request off this machine's API: {url}"
            for _, url in self.requests
            if not url.startswith(f"{self.origin}/")
        ]
        found += [
            f"a script other than htmx: {url}"
            for kind, url in self.requests
            if kind == "script" and url != f"{self.origin}{HTMX}"
        ]
        return found
