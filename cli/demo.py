"""The demo: register the example property, run a full audit with live progress, print results."""

from __future__ import annotations

import time
from typing import Any

import httpx
from rich.console import Console
from rich.markup import escape

from cli.client import ApiClient
from cli.example import EXAMPLE_PROPERTY
from cli.render import final_insights, follow, scorecard, summary
from config.settings import Settings


def ensure_property(api: ApiClient) -> dict[str, Any]:
    for prop in api.get("/properties", params={"limit": 200}):
        if prop["name"] == EXAMPLE_PROPERTY["name"]:
            return dict(prop)
    return dict(api.post("/properties", json=EXAMPLE_PROPERTY))


def run_demo(api_url: str, settings: Settings, *, simulator: bool) -> int:
    console = Console()
    key = settings.propertyaudit_api_key
    with ApiClient(api_url, key.get_secret_value() if key else None) as api:
        prop = ensure_property(api)
        panel = api.post(f"/properties/{prop['id']}/queries/generate")
        address = prop["address"]
        console.print(
            f"[bold]{escape(prop['name'])}[/bold] "
            f"({escape(address['city'])}, {escape(address['state'])}): "
            f"panel of {panel['total']} queries"
        )
        if simulator:
            httpx.post(f"{settings.llmsim_url}/_sim/stats/reset", timeout=5)
        started = time.monotonic()
        audit = api.post("/audits", json={"property_id": prop["id"]})
        console.print(
            escape(f"audit {audit['audit_id']} started: {audit['links']['temporal_ui']}"),
            soft_wrap=True,  # an address cut across lines cannot be clicked or copied
        )
        state = follow(api, console, audit["audit_id"])
        wall = time.monotonic() - started
        insights = final_insights(api, audit["audit_id"])
        scorecard(console, insights)
        summary(console, state, insights)
        calls = ""
        if simulator:
            stats = httpx.get(f"{settings.llmsim_url}/_sim/stats", timeout=5).json()
            calls = f", {stats['requests']} LLM calls (simulated)"
        console.print(f"[bold]Audit wall time:[/bold] {wall:.1f}s{calls}")
        links = {
            "Dashboard": f"{api_url}/app/audits/{audit['audit_id']}",
            "Temporal Web UI": audit["links"]["temporal_ui"],
            "API docs": f"{api_url}/docs",
            "Insights": f"{api_url}{audit['links']['insights']}",
            "Report": f"{api_url}/audits/{audit['audit_id']}/report",
        }
        for label, url in links.items():
            # Never wrapped: an address cut across lines cannot be clicked or copied.
            console.print(f"[bold]{label + ':':<16}[/bold] {escape(url)}", soft_wrap=True)
    return 0 if state["status"] in ("completed", "partial") else 1
