"""Debian's Chromium for Playwright (its own browser download is not used): where it is and how
it is started. Shared by the dashboard's browser tests and the HTML report's test."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

# Nothing but this machine resolves: a page that needs the network fails visibly.
HOST_RULES = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


def chromium_binary() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("chromium is not installed: `make browser` installs Debian's (make test does)")
    return found


def launch_args() -> dict[str, Any]:
    """Keyword arguments of Playwright's `chromium.launch`."""
    return {"executable_path": chromium_binary(), "args": ["--no-sandbox", HOST_RULES]}
