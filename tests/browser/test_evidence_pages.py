"""The pages of renters, places and rivals in Chromium, on one stack without a key, over a real
audit of a property with tags, a region and a webhook: the answers behind an audit, competitors
over time, the portfolio grouped by tag, the panel regenerated per persona and language, and the
weekly digest saved and removed; each page checked with axe-core (no violation at all) and shot
to test-artifacts/screenshots."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.stack import RunningStack

pytestmark = pytest.mark.slow

NAME = "Evidence Heights"
TAGS = ["evidence-lofts", "downtown"]
HOOK = "https://hooks.example.com/propertyaudit-digest"
Shoot = Callable[[Page, str], Path]
Axe = Callable[[Page, str], list[dict[str, Any]]]
Check = Callable[[Page, str], None]


@pytest.fixture(scope="module")
def audited(live: RunningStack) -> dict[str, Any]:
    """The example property (tags, a region, a webhook) and its audit, finished."""
    prop = live.new_property(name=NAME, tags=TAGS, region="Uptown", alert_webhook_url=HOOK)
    started = live.api.post("/audits", json={"property_id": prop["id"]})
    assert started.status_code == 202, started.text
    audit_id = started.json()["audit_id"]
    state = live.wait_audit(audit_id)
    assert state["status"] == "completed", state
    return {"id": prop["id"], "audit_id": audit_id}


@pytest.fixture
def checked(axe: Axe, shoot: Shoot) -> Check:
    """axe-core on the page (no violation of any impact), then its screenshot."""

    def check(page: Page, label: str) -> None:
        found = axe(page, label)
        assert found == [], f"axe on {label}: " + "; ".join(
            f"{v['impact']} {v['id']} at {v['nodes'][:3]}" for v in found
        )
        shoot(page, label)

    return check


def test_the_answers_behind_an_audit(
    page: Page, live: RunningStack, origin: str, audited: dict[str, Any], checked: Check
) -> None:
    audit_id = audited["audit_id"]
    listed = live.api.get("/answers", params={"audit_id": audit_id, "limit": 1})
    assert listed.status_code == 200, listed.text
    total = int(listed.headers["X-Total-Count"])
    page.goto(f"{origin}/app/answers?audit_id={audit_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("The answers behind the figure")
    expect(page.locator("[data-field=total]")).to_have_text(re.compile(rf"^{total} answers"))
    expect(page.locator("[data-filter=audit]")).to_contain_text(audit_id)
    first = page.locator("article.answer").first
    expect(first.locator("[data-field=verdict]")).to_have_text(re.compile(r"Named|Not named"))
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs.get_by_role("link", name=NAME)).to_have_attribute(
        "href", f"/app/properties/{audited['id']}"
    )
    checked(page, "answers")


def test_competitors_over_time(
    page: Page, origin: str, audited: dict[str, Any], checked: Check
) -> None:
    page.goto(f"{origin}/app/properties/{audited['id']}")
    page.get_by_role("link", name="Competitors over time and the pages cited for them").click()
    expect(page).to_have_url(f"{origin}/app/properties/{audited['id']}/competitors")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Competitors of {NAME}")
    tables = page.locator("table.competitors")
    expect(tables.first).to_be_visible()
    assert tables.count() >= 2  # one per surface the audit asked
    gaps = page.get_by_role("heading", name="Pages cited for competitors, never for the property")
    expect(gaps).to_be_visible()
    checked(page, "competitors")


def test_the_portfolio_grouped_by_tag(
    page: Page, origin: str, audited: dict[str, Any], checked: Check
) -> None:
    page.goto(f"{origin}/")
    page.get_by_label("Group by").select_option("tag")
    page.get_by_role("button", name="Group", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]group=tag"))
    for tag in TAGS:  # a property is in each of its tags' groups
        group = page.locator(f'section.group[data-group="{tag}"]')
        expect(group.get_by_role("heading", level=2)).to_have_text(tag)
        expect(group.locator(f'tr[data-property="{audited["id"]}"]')).to_be_visible()
        expect(group.locator("dd[data-field=average]")).not_to_have_text("–")
    checked(page, "portfolio-by-tag")


def test_the_panel_per_persona_and_language_and_the_weekly_digest(
    page: Page, origin: str, audited: dict[str, Any], checked: Check
) -> None:
    page.goto(f"{origin}/app/properties/{audited['id']}")
    panel = page.locator("section#panel")
    panel.get_by_role("checkbox", name="Families").check()
    panel.get_by_role("checkbox", name="Español").check()
    panel.get_by_role("button", name="Regenerate the panel").click()
    expect(page.get_by_role("status")).to_have_text(
        re.compile(r"^The panel was regenerated for families \(en, es\)")
    )
    expect(panel.locator('td[data-persona="families"]').first).to_be_visible()
    expect(panel.locator('td[data-language="es"]').first).to_be_visible()
    expect(panel.locator('th.question span[lang="es"]').first).to_be_visible()
    checked(page, "panel-personas")

    digest = page.locator("section#digest")
    expect(digest.get_by_role("heading", level=2)).to_have_text("Weekly digest")
    expect(digest.get_by_text("No weekly digest.")).to_be_visible()
    digest.get_by_label("Weekday").select_option("friday")
    digest.get_by_label("Hour").select_option("9")
    digest.get_by_label("Time zone").fill("Europe/Madrid")
    digest.get_by_role("button", name="Save the weekly digest").click()
    expect(page.get_by_role("status")).to_have_text(
        "The weekly digest was saved: Fridays at 09:00 (Europe/Madrid)."
    )
    every = re.compile(r"Every Friday at 09:00 \(Europe/Madrid\)")
    expect(digest.get_by_text(every)).to_be_visible()
    expect(digest.get_by_role("button", name="Send a digest now")).to_be_enabled()
    checked(page, "digest")
    digest.get_by_role("button", name="Remove the weekly digest").click()
    expect(page.get_by_role("status")).to_have_text("The weekly digest was removed.")
    expect(digest.get_by_text("No weekly digest.")).to_be_visible()
