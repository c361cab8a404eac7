"""Live progress bars and the scorecard, shared by the CLI and the demo."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli.client import ApiClient

FINAL = ("completed", "partial", "failed", "cancelled")


def follow(api: ApiClient, console: Console, audit_id: str, poll_s: float = 0.4) -> dict[str, Any]:
    """Draw one bar per surface (done/total, errors, status) until the audit closes."""
    columns = (
        TextColumn("[bold]{task.fields[surface]:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[errors]} err"),
        TextColumn("{task.fields[status]:<10}"),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.fields[current]}"),
    )
    with Progress(*columns, console=console) as progress:
        tasks: dict[str, Any] = {}
        while True:
            state: dict[str, Any] = api.get(f"/audits/{audit_id}")
            for run in state["runs"]:
                fields = {
                    "surface": escape(run["surface"]),
                    "status": escape(run["status"]),
                    "errors": run["errors"],
                    "current": escape((run["current_query"] or "")[:48]),
                }
                total = run["total"] or None
                if run["surface"] not in tasks:
                    tasks[run["surface"]] = progress.add_task("", total=total, **fields)
                progress.update(tasks[run["surface"]], completed=run["done"], total=total, **fields)
            if state["status"] in FINAL:
                return state
            time.sleep(poll_s)


def final_insights(api: ApiClient, audit_id: str, wait_s: float = 20) -> dict[str, Any]:
    """The insights once the workflow has written its summary (a moment after the batch)."""
    deadline = time.monotonic() + wait_s
    while True:
        insights: dict[str, Any] = api.get(f"/audits/{audit_id}/insights")
        if insights.get("summary") or time.monotonic() > deadline:
            return insights
        time.sleep(0.3)


def _fmt(value: Any, suffix: str = "") -> str:
    """A figure for the terminal; text from the API or a model is escaped, never read as markup."""
    if value is None:
        return "—"
    return f"{value:.1f}{suffix}" if isinstance(value, float) else escape(str(value))


def _e(value: Any) -> str:
    return escape(str(value))


def scorecard(console: Console, insights: dict[str, Any]) -> None:
    table = Table(title="Scorecard per surface")
    for col in ("surface", "model", "status"):
        table.add_column(col)
    for col in (
        "score",
        "weighted",
        "visibility",
        "avg rank",
        "link rank",
        "SoV",
        "answers",
        "errors",
    ):
        table.add_column(col, justify="right")
    for s in insights["surfaces"]:
        score = s["score"] or {}
        sov = score.get("avg_sov")
        table.add_row(
            _e(s["surface"]),
            _e(s["model"]),
            _e(s["status"]),
            _fmt(score.get("overall_score")),
            _fmt(score.get("weighted_score")),
            _fmt(score.get("visibility_pct"), "%"),
            _fmt(score.get("avg_llm_rank")),
            _fmt(score.get("avg_link_rank")),
            "—" if sov is None else f"{100 * sov:.0f}%",
            _fmt(score.get("answered")),
            _fmt(score.get("errors")),
        )
    console.print(table)


def summary(console: Console, state: dict[str, Any], insights: dict[str, Any]) -> None:
    batch = insights["batchStatus"]
    console.print(f"[bold]Batch status:[/bold] {_e(batch['status'])} — {_e(batch['message'])}")
    written = insights.get("summary")
    if written:
        console.print(f"[bold]Summary[/bold] ({_e(written['source'])}): {_e(written['summary'])}")
        for item in written["key_insights"][:3]:
            console.print(f"  • {escape('[' + item['priority'] + ']')} {escape(item['insight'])}")
    cm = insights["cross_model"]
    if cm.get("agreement_rate") is not None:
        console.print(f"[bold]Cross-model agreement on presence:[/bold] {cm['agreement_rate']}%")
    if cm.get("brand_sov_pct") is not None:
        console.print(f"[bold]Brand share of cited sources:[/bold] {cm['brand_sov_pct']}%")
    if cm["competitors"]:
        top = ", ".join(
            f"{_e(c['name'])} ({c['mentions']}×, avg rank {c['avg_rank']})"
            for c in cm["competitors"][:5]
        )
        console.print(f"[bold]Top competitors in the answers:[/bold] {top}")
    if cm["cited_domains"]:
        cited = ", ".join(f"{_e(d['domain'])} ({d['citations']})" for d in cm["cited_domains"][:6])
        console.print(f"[bold]Most cited domains:[/bold] {cited}")
    for run in state["runs"]:
        if run.get("error_message"):
            console.print(f"[red]{_e(run['surface'])}: {_e(run['error_message'])}[/red]")


def audit_table(audits: list[dict[str, Any]]) -> Table:
    table = Table(title="Audits")
    for col in ("audit", "status", "created", "surfaces", "scores"):
        table.add_column(col)
    for a in audits:
        scores = ", ".join(f"{_e(r['surface'])} {_fmt(r['score'])}" for r in a["runs"])
        table.add_row(
            _e(a["audit_id"]),
            _e(a["status"]),
            _e(a["created_at"][:19]),
            ", ".join(_e(r["surface"]) for r in a["runs"]),
            scores,
        )
    return table
