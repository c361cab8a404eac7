"""The dashboard in a real browser: Playwright driving Debian's Chromium (pytest-playwright's
--headed / --slowmo options apply) against the real processes (tests/stack.py).

Every test here gets:
- `live` (one per module): the stack on a throwaway SQLite file, its simulator slowed down so an
  audit lasts long enough to be watched and paused; a module adds environment with `STACK_ENV`.
- `page` / `context` (1280 px wide) and `phone` (a 390x844 touch screen) in Debian's Chromium,
  all watched: console errors, uncaught page errors and every request URL are recorded, and the test
  fails at teardown on any error, on a request that is not to the stack's API
  (http://127.0.0.1:<port>/...) or on a script other than the vendored htmx.
- `shoot(page, label)`: a full-page screenshot, test-artifacts/screenshots/<test>-<label>.png.
- `axe(page, label)`: axe-core run on the page; no violation of impact "critical" allowed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect, sync_playwright

from cli.stack import ROOT
from tests.browser.chromium import launch_args
from tests.browser.watch import Watch
from tests.conftest import make_database
from tests.stack import RunningStack, running_stack

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
# Two dozen questions on each of two surfaces, two calls at a time per surface, 800 ms a call:
# about 12 s of answering, long enough to watch the progress move and to pause it, short enough
# for each module to stay well under a minute and a half.
BASE_ENV = {"LLMSIM_LATENCY_MS": "800", "LLM_MAX_CONCURRENCY": "2", "EXTRA_SURFACES": "[]"}
# Playwright's 5 s is short for a page of the real stack on two busy cores; long waits (an audit
# to close) say so where they are.
expect.set_options(timeout=10_000)


# -- the browser ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options (--headed, --slowmo, ...) on Debian's Chromium."""
    return {**browser_type_launch_args, **launch_args()}


@pytest.fixture(scope="module")
def browser(live: RunningStack, browser_type_launch_args: dict[str, Any]) -> Iterator[Browser]:
    """Playwright for one module, started once its stack is up and stopped before the next.

    Not the plugin's session-wide `playwright` and `browser` fixtures: while Playwright's sync
    API lives, it leaves its event loop marked as running in this thread between calls, so
    `asyncio.run` (the stack's migrations and health checks) and every pytest-asyncio test that
    runs after this package in the same session would fail with "cannot be called from a
    running event loop". So `browser`, `context` and `page` are defined here, over the plugin's.
    """
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(**browser_type_launch_args)
        yield launched
        launched.close()


# -- the stack --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStack]:
    env: dict[str, str] = {**BASE_ENV, **getattr(request.module, "STACK_ENV", {})}
    tmp: Path = tmp_path_factory.mktemp("browser-stack")
    databases = make_database("sqlite", tmp, postgres_available=False)  # a file in tmp
    with running_stack(
        next(databases), tmp, temporal_db=False, with_simulator=True, **env
    ) as running:
        if key := env.get("PROPERTYAUDIT_API_KEY"):
            running.api.headers["X-API-Key"] = key
        yield running


@pytest.fixture(scope="module")
def origin(live: RunningStack) -> str:
    """The API's origin, where every page and request of these tests must go."""
    return live.stack.api_url


# -- what every page did ----------------------------------------------------------------------
@pytest.fixture
def watch(origin: str) -> Iterator[Watch]:
    watched = Watch(origin)
    yield watched
    problems = watched.problems()
    print(f"\nWATCH {len(watched.requests)} requests, {len(problems)} problems")
    assert not problems, "the pages misbehaved:\n" + "\n".join(problems)


@pytest.fixture
def context(watch: Watch, browser: Browser) -> Iterator[BrowserContext]:
    """A 1280 px wide context, watched (what `page` opens in)."""
    opened = watch.attach(browser.new_context(viewport=DESKTOP))
    yield opened
    opened.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def phone(watch: Watch, browser: Browser) -> Iterator[BrowserContext]:
    """A phone-sized context (390x844, touch, the page's meta viewport applies), watched."""
    opened = watch.attach(browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True))
    yield opened
    opened.close()


# -- screenshots ------------------------------------------------------------------------------
@pytest.fixture
def shoot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    test = re.sub(r"[^\w.-]+", "_", request.node.originalname)

    def shoot(page: Page, label: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{test}-{label}.png"
        page.screenshot(path=path, full_page=True)
        print(f"SCREENSHOT {path}")
        return path

    return shoot


# -- accessibility ----------------------------------------------------------------------------
# axe goes in over the DevTools protocol. The pages' CSP (script-src 'self') refuses any inline
# script, and Playwright's `add_script_tag(path=...)` inserts the file's text as an inline
# <script>: Chromium blocks it (and logs a console error). `bypass_csp=True` would get it in,
# but then the pages would be checked with their CSP switched off. `page.evaluate(source)` runs
# the file as DevTools' Runtime.evaluate, which a page's CSP does not govern: axe is defined on
# `window` and the page keeps its real policy (axe itself needs no eval). Injected per document:
# after a navigation it is gone, htmx's swaps keep it.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ")),
  }));
}"""
IMPACTS = ("critical", "serious", "moderate", "minor")


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe(
    request: pytest.FixtureRequest, axe_source: str
) -> Callable[[Page, str], list[dict[str, Any]]]:
    test = request.node.originalname

    def run(page: Page, label: str) -> list[dict[str, Any]]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source)
        violations: list[dict[str, Any]] = page.evaluate(AXE_RUN)
        counts = {i: sum(1 for v in violations if v["impact"] == i) for i in IMPACTS}
        width = page.viewport_size["width"] if page.viewport_size else "?"
        print(f"AXE {test}-{label} ({width} px, {page.url}): {json.dumps(counts)}")
        for v in violations:
            if v["impact"] in ("critical", "serious"):
                print(f"AXE   {v['impact']} {v['id']} x{len(v['nodes'])}: {v['help']}")
                for target in v["nodes"][:5]:
                    print(f"AXE     {target}")
        critical = [v for v in violations if v["impact"] == "critical"]
        assert not critical, f"critical accessibility violations on {label}: {critical}"
        return violations

    return run
