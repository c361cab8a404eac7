"""The demo: register the example property, run a full audit with live progress, print results."""

from __future__ import annotations

import time
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli.example import EXAMPLE_PROPERTY
from config.settings import Settings

FINAL = ("completed", "partial", "failed", "cancelled")


def ensure_property(api: httpx.Client) -> dict[str, Any]:
    for prop in api.get("/properties", params={"limit": 200}).raise_for_status().json():
        if prop["name"] == EXAMPLE_PROPERTY["name"]:
            return dict(prop)
    return dict(api.post("/properties", json=EXAMPLE_PROPERTY).raise_for_status().json())


def follow(api: httpx.Client, console: Console, audit_id: str) -> dict[str, Any]:
    """Poll the audit and draw one progress bar per surface until it closes."""
    columns = (
        TextColumn("[bold]{task.fields[surface]:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]:<10}"),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.fields[current]}"),
    )
    with Progress(*columns, console=console) as progress:
        tasks: dict[str, Any] = {}
        while True:
            state = api.get(f"/audits/{audit_id}").raise_for_status().json()
            for run in state["runs"]:
                fields = {
                    "surface": run["surface"],
                    "status": run["status"],
                    "current": (run["current_query"] or "")[:50],
                }
                if run["surface"] not in tasks:
                    tasks[run["surface"]] = progress.add_task(
                        "", total=run["total"] or None, **fields
                    )
                progress.update(
                    tasks[run["surface"]],
                    completed=run["done"],
                    total=run["total"] or None,
                    **fields,
                )
            if state["status"] in FINAL:
                return dict(state)
            time.sleep(0.4)


def print_results(console: Console, state: dict[str, Any], insights: dict[str, Any]) -> None:
    table = Table(title="Scorecard per surface")
    for col in (
        "surface",
        "model",
        "status",
        "score",
        "weighted",
        "visibility",
        "avg rank",
        "link rank",
        "SoV",
        "answers",
        "errors",
    ):
        table.add_column(
            col, justify="right" if col not in ("surface", "model", "status") else "left"
        )

    def fmt(value: Any, suffix: str = "") -> str:
        return (
            "—"
            if value is None
            else f"{value:.1f}{suffix}"
            if isinstance(value, float)
            else str(value)
        )

    for s in insights["surfaces"]:
        score = s["score"] or {}
        sov = score.get("avg_sov")
        table.add_row(
            s["surface"],
            s["model"],
            s["status"],
            fmt(score.get("overall_score")),
            fmt(score.get("weighted_score")),
            fmt(score.get("visibility_pct"), "%"),
            fmt(score.get("avg_llm_rank")),
            fmt(score.get("avg_link_rank")),
            "—" if sov is None else f"{100 * sov:.0f}%",
            fmt(score.get("answered")),
            fmt(score.get("errors")),
        )
    console.print(table)
    batch = insights["batchStatus"]
    console.print(f"[bold]Batch status:[/bold] {batch['status']} — {batch['message']}")
    cm = insights["cross_model"]
    if cm.get("agreement_rate") is not None:
        console.print(f"[bold]Cross-model agreement on presence:[/bold] {cm['agreement_rate']}%")
    if cm.get("brand_sov_pct") is not None:
        console.print(f"[bold]Brand share of cited sources:[/bold] {cm['brand_sov_pct']}%")
    if cm["competitors"]:
        console.print(
            "[bold]Top competitors in the answers:[/bold] "
            + ", ".join(
                f"{c['name']} ({c['mentions']}×, avg rank {c['avg_rank']})"
                for c in cm["competitors"][:5]
            )
        )
    if cm["cited_domains"]:
        console.print(
            "[bold]Most cited domains:[/bold] "
            + ", ".join(f"{d['domain']} ({d['citations']})" for d in cm["cited_domains"][:6])
        )
    for run in state["runs"]:
        if run.get("error_message"):
            console.print(f"[red]{run['surface']}: {run['error_message']}[/red]")


def run_demo(api_url: str, settings: Settings, *, simulator: bool) -> int:
    console = Console()
    with httpx.Client(base_url=api_url, timeout=30) as api:
        prop = ensure_property(api)
        panel = api.post(f"/properties/{prop['id']}/queries/generate").raise_for_status().json()
        console.print(
            f"[bold]{prop['name']}[/bold] ({prop['address']['city']}, {prop['address']['state']}): "
            f"panel of {panel['total']} queries"
        )
        if simulator:
            httpx.post(f"{settings.llmsim_url}/_sim/stats/reset", timeout=5)
        started = time.monotonic()
        audit = api.post("/audits", json={"property_id": prop["id"]}).raise_for_status().json()
        console.print(f"audit {audit['audit_id']} started: {audit['links']['temporal_ui']}")
        state = follow(api, console, audit["audit_id"])
        wall = time.monotonic() - started
        insights = api.get(f"/audits/{audit['audit_id']}/insights").raise_for_status().json()
        print_results(console, state, insights)
        calls = ""
        if simulator:
            stats = httpx.get(f"{settings.llmsim_url}/_sim/stats", timeout=5).json()
            calls = f", {stats['requests']} LLM calls (simulated)"
        console.print(f"[bold]Audit wall time:[/bold] {wall:.1f}s{calls}")
        console.print(f"[bold]Temporal Web UI:[/bold] {audit['links']['temporal_ui']}")
        console.print(f"[bold]API docs:[/bold]        {api_url}/docs")
        console.print(f"[bold]Insights:[/bold]        {api_url}{audit['links']['insights']}")
    return 0 if state["status"] in ("completed", "partial") else 1
