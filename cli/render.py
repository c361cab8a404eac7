"""Live progress bars and the scorecard, shared by the CLI and the demo. Every table fits an
80-column terminal: no side borders, two-column gaps, long text on a second line."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column, Table

from cli.client import ApiClient
from contracts.status import FINAL_AUDIT_STATUSES, RunStatus

State = dict[str, Any]


def is_closed(state: State) -> bool:
    return state["status"] in FINAL_AUDIT_STATUSES


def poll_until_closed(
    api: ApiClient,
    audit_id: str,
    poll_s: float = 0.4,
    on_state: Callable[[State], None] = lambda _: None,
) -> State:
    """The audit's state every poll_s, each handed to on_state, until the audit closes."""
    while True:
        state: State = api.get(f"/audits/{audit_id}")
        on_state(state)
        if is_closed(state):
            return state
        time.sleep(poll_s)


def _progress_columns() -> tuple[ProgressColumn, ...]:
    # The query being asked takes what is left of the line, so at 80 columns it is the one cut.
    rest = Column(ratio=1, no_wrap=True, overflow="ellipsis")
    return (
        TextColumn("[bold]{task.fields[surface]}"),
        BarColumn(bar_width=20),
        MofNCompleteColumn(),
        TextColumn("{task.fields[errors]} errors"),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.fields[current]}", table_column=rest),
    )


def _bars(progress: Progress) -> Callable[[State], None]:
    """An on_state that keeps one bar per surface up to date."""
    tasks: dict[str, TaskID] = {}

    def update(state: State) -> None:
        for run in state["runs"]:
            fields = {
                "surface": escape(run["surface"]),
                "status": escape(run["status"]),
                "errors": run["errors"],
                "current": escape(run["current_query"] or ""),
            }
            total = run["total"] or None
            if run["surface"] not in tasks:
                tasks[run["surface"]] = progress.add_task("", total=total, **fields)
            progress.update(tasks[run["surface"]], completed=run["done"], total=total, **fields)

    return update


def follow(api: ApiClient, console: Console, audit_id: str, poll_s: float = 0.4) -> State:
    """Draw one bar per surface (done/total, errors, status) until the audit closes."""
    with Progress(*_progress_columns(), console=console, expand=True) as progress:
        return poll_until_closed(api, audit_id, poll_s, _bars(progress))


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


def compact_table(title: str) -> Table:
    """A table with a rule under its header and two spaces between columns, nothing else: side
    borders would cost three columns each."""
    return Table(
        title=title,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )


# Short whole words: at 80 columns rich would cut longer headers to "wei…". Two-word headers
# sit on two lines, as wide as their figures.
SCORE_COLUMNS = (
    "score",
    "weighted",
    "visible",
    "avg\nrank",
    "link\nrank",
    "SoV",
    "answers",
    "errors",
)
RUN_STYLES = {RunStatus.FAILED: "red", RunStatus.CANCELLED: "yellow"}


def _surface_cell(surface: dict[str, Any]) -> str:
    """The surface, its model under it, and its status under that unless it completed (the
    usual case, not worth a line)."""
    cell = f"[bold]{_e(surface['surface'])}[/bold]\n[dim]{_e(surface['model'])}[/dim]"
    status = surface["status"]
    if status != RunStatus.COMPLETED:
        style = RUN_STYLES.get(status, "cyan")
        cell += f"\n[{style}]{_e(status)}[/{style}]"
    return cell


def _score_cells(score: dict[str, Any]) -> list[str]:
    sov = score.get("avg_sov")
    return [
        _fmt(score.get("overall_score")),
        _fmt(score.get("weighted_score")),
        _fmt(score.get("visibility_pct"), "%"),
        _fmt(score.get("avg_llm_rank")),
        _fmt(score.get("avg_link_rank")),
        "—" if sov is None else f"{100 * sov:.0f}%",
        _fmt(score.get("answered")),
        _fmt(score.get("errors")),
    ]


def scorecard(console: Console, insights: dict[str, Any]) -> None:
    table = compact_table("Scorecard per surface")
    table.show_lines = True  # a blank line between surfaces, whose cells are two lines tall
    # A model name longer than the line allows folds; it is never cut short.
    table.add_column("surface", overflow="fold")
    for header in SCORE_COLUMNS:
        table.add_column(header, justify="right")
    for surface in insights["surfaces"]:
        table.add_row(_surface_cell(surface), *_score_cells(surface["score"] or {}))
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
    table = compact_table("Audits")
    table.add_column("audit", no_wrap=True)  # an id cut short could not be copied
    table.add_column("status")
    table.add_column("created", no_wrap=True)
    table.add_column("scores per surface")
    for a in audits:
        scores = ", ".join(f"{_e(r['surface'])} {_fmt(r['score'])}" for r in a["runs"])
        created = a["created_at"][:16].replace("T", " ")
        table.add_row(_e(a["audit_id"]), _e(a["status"]), _e(created), scores)
    return table


def estimate_table(console: Console, found: State) -> None:
    """An audit's dry run: per surface its calls, searches, cost range and time."""
    table = Table(title="Estimate (nothing started)", box=box.SIMPLE_HEAD, pad_edge=False)
    for header in ("surface", "calls", "searches", "cost (low–high)", "time", "from"):
        table.add_column(header, justify="left" if header in ("surface", "from") else "right")
    for s in found["surfaces"]:
        cost = s["cost_usd"]
        basis = "history" if "earlier" in s["basis"] else "defaults"
        table.add_row(
            f"{s['surface']}\n{s['model']}",
            str(s["calls"]),
            str(s["searches"]),
            f"${cost['expected']:.2f}\n${cost['low']:.2f}–${cost['high']:.2f}",
            f"{s['duration_s']:.0f} s",
            basis,
        )
    console.print(table)
    total = found["cost_usd"]
    budget = found["max_cost_usd"]
    within = (
        ""
        if budget is None
        else (
            f"; within the ${budget:g} budget"
            if found["within_budget"]
            else f"; may exceed the ${budget:g} budget (the audit would pause there)"
        )
    )
    console.print(
        f"{found['calls']} calls, ${total['expected']:.2f} expected "
        f"(${total['low']:.2f}–${total['high']:.2f}), about {found['duration_s']:.0f} s{within}"
    )
