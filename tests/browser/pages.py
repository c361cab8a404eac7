"""What the browser tests do on the dashboard's pages, by their accessible roles and names."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.stack import RunningStack

UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
OPEN = re.compile("^(queued|running)$")
# Waits for htmx's next swap of the polled section (a rejected promise after `ms`).
NEXT_SWAP = """ms => new Promise((done, fail) => {
  const timer = setTimeout(() => fail(new Error("no htmx swap in " + ms + " ms")), ms);
  document.body.addEventListener("htmx:afterSettle", () => { clearTimeout(timer); done(null); },
                                 {once: true});
})"""


def audit_url(origin: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(origin)}/app/audits/({UUID})$")


def start_audit(page: Page, origin: str) -> str:
    """Click the property page's "Start audit" (default options); the audit page's id."""
    page.get_by_role("button", name="Start audit", exact=True).click()
    expect(page).to_have_url(audit_url(origin))
    found = audit_url(origin).match(page.url)
    assert found, page.url
    return found.group(1)


def section(page: Page) -> Locator:
    return page.locator("section#audit")


def done_cells(page: Page) -> Locator:
    return page.locator("table.progress tr[data-surface] td[data-field=done]")


def done(page: Page) -> list[tuple[int, int]]:
    """Each surface's (done, total) as its progress cell reads ("3 / 26")."""
    counts = []
    for text in done_cells(page).all_inner_texts():
        found = re.search(r"(\d+)\s*/\s*(\d+)\s*$", text)
        assert found, f"a progress cell reads {text!r}"
        counts.append((int(found.group(1)), int(found.group(2))))
    return counts


def expect_under_way(page: Page) -> None:
    """The first answers are in: the audit is past starting its runs."""
    expect(done_cells(page).first).not_to_have_text(re.compile(r"^\s*0 /"), use_inner_text=True)


def wait_next_swap(page: Page, timeout_ms: int = 15_000) -> None:
    page.evaluate(NEXT_SWAP, timeout_ms)


def expect_scores(page: Page, runs: list[dict[str, Any]]) -> None:
    """The scorecard shows each run's API score with one decimal ("–" without one)."""
    cells = page.locator("table.scorecard tr[data-surface] td[data-field=score]")
    expect(cells).to_have_count(len(runs))
    for run in runs:
        shown = "–" if run["score"] is None else f"{run['score']:.1f}"
        cell = page.locator(
            f'table.scorecard tr[data-surface="{run["surface"]}"] td[data-field=score]'
        )
        expect(cell).to_have_text(shown)


def api_audit(live: RunningStack, audit_id: str) -> dict[str, Any]:
    return dict(live.get(f"/audits/{audit_id}"))


def settled_requests(live: RunningStack, timeout: float = 20) -> int:
    """The simulator's request count once it holds for a second (calls in flight finish)."""
    deadline = time.monotonic() + timeout
    last = live.sim_stats()["requests"]
    while time.monotonic() < deadline:
        time.sleep(1)
        now = live.sim_stats()["requests"]
        if now == last:
            return int(now)
        last = now
    raise TimeoutError(f"the simulator kept receiving calls ({last} after {timeout}s)")


def sign_in(page: Page, key: str) -> None:
    """On the login form: the key, "Sign in", and the session is there (a "Sign out")."""
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def overflow_px(page: Page) -> int:
    """How far the page scrolls sideways (0: it fits its viewport's width)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))
