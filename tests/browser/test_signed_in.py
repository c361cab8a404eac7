"""The dashboard behind PROPERTYAUDIT_API_KEY, in Chromium: signing in and out, the session
cookie, CSRF on every POST; and axe-core on every page (portfolio, property, an open and a closed
audit, login) at desktop and phone width, with the keyboard reaching "Start audit"."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.pages import (
    OPEN,
    api_audit,
    audit_url,
    expect_under_way,
    overflow_px,
    section,
    sign_in,
    wait_next_swap,
)
from tests.browser.watch import Watch
from tests.stack import RunningStack

pytestmark = pytest.mark.slow

KEY = "pa-browser-admin-key-0123456789abcdef"
STACK_ENV = {"PROPERTYAUDIT_API_KEY": KEY}
SESSION_COOKIE = "propertyaudit_session"
NAME = "Axe Avenue Apartments"
Shoot = Callable[[Page, str], Path]
Axe = Callable[[Page, str], list[dict[str, Any]]]


@pytest.fixture(scope="module")
def prop(live: RunningStack) -> dict[str, Any]:
    return live.new_property(name=NAME)


def session_cookie(context: BrowserContext) -> dict[str, Any]:
    cookies = [c for c in context.cookies() if c["name"] == SESSION_COOKIE]
    assert len(cookies) == 1, context.cookies()
    return dict(cookies[0])


def expect_login(page: Page, origin: str, next_path: str | None = None) -> None:
    target = f"{origin}/login" + ("" if next_path is None else f"?next={next_path}")
    expect(page).to_have_url(target)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_sign_in_session_cookie_csrf_and_sign_out(
    page: Page, context: BrowserContext, watch: Watch, origin: str, shoot: Shoot
) -> None:
    # Signed out, a page sends the browser to the login form.
    page.goto(f"{origin}/")
    expect_login(page, origin, next_path="/")
    shoot(page, "login")

    # A wrong key: the form says so (the server answers 401: the one console error allowed).
    watch.allow(r"/login\): Failed to load resource: .*status of 401")
    page.get_by_label("API key").fill("not-the-key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("That key is not valid.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    shoot(page, "login-refused")

    # The right key: back to where it was going, the portfolio.
    sign_in(page, KEY)
    expect(page).to_have_url(f"{origin}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio")
    shoot(page, "portfolio")

    cookie = session_cookie(context)
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict", cookie
    assert SESSION_COOKIE not in page.evaluate("() => document.cookie")
    # Starlette's session: base64 JSON, then its signature. The key is never in it.
    payload = cookie["value"].split(".")[0]
    stored = base64.b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert KEY not in cookie["value"] and KEY not in stored
    print(f"\nsession cookie: httpOnly, SameSite=Strict, holds {sorted(json.loads(stored))}")

    # Every POST needs the session's CSRF token; the session alone is not enough.
    token = json.loads(page.locator("body").get_attribute("hx-headers") or "{}")["X-CSRF-Token"]
    steer = f"{origin}/app/audits/{uuid.uuid4()}/pause"
    assert page.request.post(f"{origin}/logout").status == 403
    assert page.request.post(steer).status == 403
    assert page.request.post(steer, form={"csrf": "forged"}).status == 403
    # With the token, the same request goes through to the (unknown) audit.
    assert page.request.post(steer, headers={"X-CSRF-Token": token}).status == 404
    watch.allow(r"/logout\): Failed to load resource: .*status of 403")
    status = page.evaluate("async () => (await fetch('/logout', {method: 'POST'})).status")
    assert status == 403
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio")

    # Signing out ends the session: back to the login form, and the pages with it.
    page.get_by_role("button", name="Sign out").click()
    expect_login(page, origin)
    page.goto(f"{origin}/")
    expect_login(page, origin, next_path="/")
    shoot(page, "signed-out")


def test_accessibility_and_keyboard(
    page: Page,
    phone: BrowserContext,
    live: RunningStack,
    origin: str,
    prop: dict[str, Any],
    axe: Axe,
    shoot: Shoot,
) -> None:
    began = time.monotonic()
    property_url = f"{origin}/app/properties/{prop['id']}"
    found: dict[str, list[dict[str, Any]]] = {}

    def check(on: Page, label: str) -> None:
        found[label] = axe(on, label)
        shoot(on, label)

    # Desktop: login, portfolio, property.
    page.goto(property_url)
    expect_login(page, origin, next_path=f"/app/properties/{prop['id']}")
    check(page, "login")
    sign_in(page, KEY)
    expect(page).to_have_url(property_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    check(page, "property")

    # The keyboard alone reaches "Start audit" from the top of the page, and starts it.
    start = page.get_by_role("button", name="Start audit", exact=True)
    presses = 0
    while presses < 60 and not start.evaluate("b => b === document.activeElement"):
        page.keyboard.press("Tab")
        presses += 1
    expect(start).to_be_focused()
    assert start.evaluate("b => getComputedStyle(b).outlineStyle") != "none", "focus not shown"
    print(f"\nTab reached 'Start audit' after {presses} presses")
    page.keyboard.press("Enter")
    expect(page).to_have_url(audit_url(origin))
    audit_id = page.url.rsplit("/", 1)[1]

    # The open audit (paused, so it stays open while both widths are checked). axe runs right
    # after one of htmx's swaps, so the polled section is not replaced under it.
    expect(section(page)).to_have_attribute("data-status", OPEN)
    expect_under_way(page)
    page.get_by_role("button", name="Pause").click()
    expect(section(page)).to_have_attribute("data-status", "paused", timeout=20_000)
    wait_next_swap(page)
    check(page, "audit-open")

    page.goto(f"{origin}/")
    check(page, "portfolio")

    # Phone width: the same pages, nothing wider than the screen.
    small = phone.new_page()
    small.goto(f"{origin}/app/audits/{audit_id}")
    expect_login(small, origin, next_path=f"/app/audits/{audit_id}")
    check(small, "login-phone")
    overflow = {"login-phone": overflow_px(small)}
    sign_in(small, KEY)
    expect(section(small)).to_have_attribute("data-status", "paused")
    wait_next_swap(small)
    check(small, "audit-open-phone")
    overflow["audit-open-phone"] = overflow_px(small)
    for label, url in (("portfolio-phone", f"{origin}/"), ("property-phone", property_url)):
        small.goto(url)
        check(small, label)
        overflow[label] = overflow_px(small)

    # Resumed to its end: the closed audit at both widths.
    page.goto(f"{origin}/app/audits/{audit_id}")
    page.get_by_role("button", name="Resume").click()
    expect(section(page)).to_have_attribute("data-status", "completed", timeout=90_000)
    assert api_audit(live, audit_id)["status"] == "completed"
    check(page, "audit-closed")
    small.goto(f"{origin}/app/audits/{audit_id}")
    expect(section(small)).to_have_attribute("data-status", "completed")
    check(small, "audit-closed-phone")
    overflow["audit-closed-phone"] = overflow_px(small)

    figures = {
        label: {
            i: sum(1 for v in found[label] if v["impact"] == i) for i in ("critical", "serious")
        }
        for label in found
    }
    print(f"AXE summary (critical, serious per page): {json.dumps(figures)}")
    print(f"sideways overflow at 390 px: {overflow}; test {time.monotonic() - began:.1f}s")
    assert all(px <= 0 for px in overflow.values()), f"pages wider than a phone: {overflow}"
