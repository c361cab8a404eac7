"""After two audits of one property: insights, recommendations, trends, alerts and reports."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Request, sync_playwright

from cli.ports import free_port
from cli.stack import ROOT
from tests.browser.chromium import launch_args
from tests.integration.conftest import Live

pytestmark = pytest.mark.slow
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# Each chart's name, drawn size and number of shapes.
CHARTS = """() => [...document.querySelectorAll("figure.chart")].map(f => {
  const s = f.querySelector("svg"); const r = s.getBoundingClientRect();
  return {name: f.dataset.chart, width: r.width, height: r.height,
          shapes: s.querySelectorAll("rect, path, circle").length};
})"""


class Webhook:
    """A local HTTP server that records the alerts posted to it."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.port = free_port()
        self.server = HTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/geo"


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.server.shutdown()


def report_in_chromium(url: str) -> tuple[list[dict[str, Any]], bytes, list[str], list[str]]:
    """The report in headless Chromium (Playwright, on Debian's browser): its charts as drawn,
    a full-page PNG, every URL the page requested and what it logged as errors.

    Playwright lives only inside this call: while its sync API runs, asyncio.run cannot in this
    thread (see tests/browser/conftest.py)."""
    requested: list[str] = []
    console: list[str] = []

    def on_request(request: Request) -> None:
        requested.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console.append(message.text)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_args())
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 2000})
            page.on("request", on_request)
            page.on("console", on_console)
            page.goto(url, wait_until="load")
            charts: list[dict[str, Any]] = page.evaluate(CHARTS)
            png = page.screenshot(full_page=True)
        finally:
            browser.close()
    return charts, png, requested, console


def finished(live: Live, audit_id: str) -> dict[str, Any]:
    live.wait_audit(audit_id)
    live.wait_for("summary", lambda: live.api.get(f"/audits/{audit_id}/insights").json()["summary"])
    return dict(live.api.get(f"/audits/{audit_id}/insights").json())


def test_two_audits_give_insights_trends_recommendations_and_reports(
    live: Live, webhook: Webhook, request: pytest.FixtureRequest
) -> None:
    prop = live.new_property(name="Reporting Ridge", alert_webhook_url=webhook.url)
    pid = prop["id"]
    first = live.api.post("/audits", json={"property_id": pid}).json()["audit_id"]
    insights = finished(live, first)
    assert insights["analysis_stored"] is True and insights["batchStatus"]["complete"]
    assert insights["summary"]["source"] == "llm" and insights["summary"]["key_insights"]
    cm = insights["cross_model"]
    assert (
        cm["complete"] and len(cm["pairs"]) == 1 and cm["pairs"][0]["score_difference"] is not None
    )
    assert len(cm["queries"]) == prop["panel"]["total"]
    assert not webhook.received  # nothing slipped: no alert

    live.sim_config(auth_fail=["claude"])
    try:
        second = live.api.post("/audits", json={"property_id": pid}).json()["audit_id"]
        partial = finished(live, second)
    finally:
        live.sim_config(auth_fail=[])
    assert partial["batchStatus"]["status"] == "partial"
    assert partial["cross_model"]["missing_surfaces"] == ["claude"]
    live.wait_for("alert", lambda: webhook.received)
    alert = webhook.received[0]
    assert alert["audit_id"] == second and alert["previous_audit_id"] == first
    assert any("claude failed" in r for r in alert["reasons"])

    # The analysis ran once per batch, whatever retried.
    shown = live.temporal("workflow", "show", "--workflow-id", f"audit-{first}", "-o", "json")
    assert shown.count('"analyze_batch"') == 1

    runs = live.api.get(f"/properties/{pid}/runs").json()
    assert len(runs) == 4
    newest_openai = next(r for r in runs if r["surface"] == "openai")
    assert newest_openai["audit_id"] == second and newest_openai["diff"] is not None
    assert newest_openai["diff"]["direction"] in ("up", "down", "stable")
    score = live.api.get(f"/properties/{pid}/score").json()
    assert score["bucket"] in ("excellent", "good", "fair", "poor")
    assert set(score["surfaces"]) == {"openai", "claude"} and score["trend"] is not None

    domains = live.api.get(f"/properties/{pid}/domains").json()
    assert domains and all(d["first_seen"] <= d["last_seen"] for d in domains)
    assert domains[0]["is_brand_domain"] in (True, False)

    recs = live.api.get(f"/properties/{pid}/recommendations").json()
    assert recs["audit_id"] == second and recs["recommendations"]
    assert recs["summary"]["total"] == len(recs["recommendations"])

    markdown = live.api.get(f"/audits/{second}/report", params={"format": "markdown"})
    assert markdown.status_code == 200 and markdown.text.startswith("# GEO audit — Reporting Ridge")
    for section in (
        "## Scorecard",
        "## Competitors",
        "## Recommendations",
        "## Questions",
        "## Score over past audits",
    ):
        assert section in markdown.text
    html = live.api.get(f"/audits/{second}/report")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert html.text.count("<svg") == 4
    # pygal inlines a small config script; nothing is loaded from elsewhere.
    assert "<script src" not in html.text and 'src="http' not in html.text
    assert "kozea.github.io" not in html.text
    print(f"\nreport sizes: html {len(html.content):,} bytes, markdown {len(markdown.content):,}")

    charts, png, requested, console = report_in_chromium(
        f"{live.stack.api_url}/audits/{second}/report"
    )
    assert {c["name"] for c in charts} == {
        "scorecard",
        "visibility_by_type",
        "competitors",
        "trend",
    }
    assert all(c["width"] > 100 and c["height"] > 100 and c["shapes"] > 5 for c in charts)
    assert requested and all(u.startswith(live.stack.api_url) for u in requested)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{request.node.originalname}-report-{live.backend}.png"
    shot.write_bytes(png)
    print(f"SCREENSHOT {shot}")
    # pygal's inline scripts (tooltips) are refused by the report's own CSP: logged, not failed.
    print(
        f"report console errors: {len(console)}"
        + (f", first: {console[0][:90]}" if console else "")
    )
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000

    purged = live.api.post(f"/properties/{pid}/runs/purge", json={"surfaces": ["claude"]}).json()
    assert purged["runs_deleted"] == 2
    assert {r["surface"] for r in live.api.get(f"/properties/{pid}/runs").json()} == {"openai"}


def test_summary_falls_back_to_rules_when_no_surface_can_write_it(live: Live) -> None:
    prop = live.new_property(name="Rules Only Row")
    live.sim_config(auth_fail=["openai", "claude"])
    try:
        audit = live.api.post("/audits", json={"property_id": prop["id"]}).json()["audit_id"]
        insights = finished(live, audit)
    finally:
        live.sim_config(auth_fail=[])
    assert insights["batchStatus"]["status"] == "failed"
    assert insights["summary"]["source"] == "rules"
