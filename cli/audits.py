"""`propertyaudit audit …`: start, follow, steer, report, list and delete audits."""

from __future__ import annotations

import tempfile
import webbrowser
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from cli.client import api, console
from cli.render import audit_table, final_insights, follow, scorecard, summary

audit_app = typer.Typer(help="Audits: start, follow, steer.", no_args_is_help=True)


class Mode(StrEnum):
    structured = "structured"
    natural = "natural"


@audit_app.command("start")
def audit_start(
    property_id: Annotated[str, typer.Argument(metavar="PROPERTY", help="property id")],
    surfaces: Annotated[str | None, typer.Option(help="comma list, e.g. openai,claude")] = None,
    mode: Annotated[Mode | None, typer.Option(help="how each question is asked")] = None,
    web_search: Annotated[
        bool | None,
        typer.Option("--web-search/--no-web-search", help="let the surfaces search the web"),
    ] = None,
    samples: Annotated[int, typer.Option(min=1, max=5, help="samples per query")] = 1,
    max_cost: Annotated[
        float | None, typer.Option(min=0.0001, help="pause the audit once it cost this (USD)")
    ] = None,
    paused: Annotated[bool, typer.Option("--paused", help="start paused; resume to begin")] = False,
    follow_: Annotated[
        bool, typer.Option("--follow", help="live bars, then the scorecard")
    ] = False,
    idempotency_key: Annotated[str | None, typer.Option(help="repeat-safe start")] = None,
) -> None:
    """Start an audit of a property."""
    body: dict[str, Any] = {"property_id": property_id, "samples_per_query": samples}
    if surfaces:
        body["surfaces"] = [s.strip() for s in surfaces.split(",") if s.strip()]
    if mode:
        body["mode"] = mode.value
    if web_search is not None:
        body["web_search"] = web_search
    if max_cost is not None:
        body["max_cost_usd"] = max_cost
    if paused:
        body["paused"] = True
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    with api() as client:
        audit = client.post("/audits", json=body, headers=headers)
        console.print(
            escape(f"audit {audit['audit_id']} {audit['status']}: {audit['links']['temporal_ui']}")
        )
        if follow_:
            state = follow(client, console, audit["audit_id"])
            insights = final_insights(client, audit["audit_id"])
            scorecard(console, insights)
            summary(console, state, insights)
            if state["status"] == "failed":
                raise typer.Exit(1)


@audit_app.command("show")
def audit_show(audit_id: str) -> None:
    """Show an audit: status, progress per surface, and its scorecard once finished."""
    with api() as client:
        state = client.get(f"/audits/{audit_id}")
        console.print(
            f"audit {escape(state['audit_id'])}: [bold]{escape(state['status'])}[/bold]"
            + (" (paused)" if state["paused"] else "")
        )
        for run in state["runs"]:
            console.print(
                escape(
                    f"  {run['surface']:<8} {run['status']:<10} {run['done']}/{run['total']}"
                    f"  errors {run['errors']}  score {run['score']}"
                )
            )
        if state["status"] in ("completed", "partial", "failed", "cancelled"):
            insights = client.get(f"/audits/{audit_id}/insights")
            scorecard(console, insights)
            summary(console, state, insights)


def _signal(audit_id: str, name: str, params: dict[str, str] | None = None) -> None:
    with api() as client:
        client.post(f"/audits/{audit_id}/{name}", params=params or {})
        console.print(f"{name} sent to audit {audit_id}")


@audit_app.command("pause")
def audit_pause(
    audit_id: str, reason: Annotated[str | None, typer.Option(help="why, for the record")] = None
) -> None:
    """Pause: no new LLM call starts until resume."""
    _signal(audit_id, "pause", {"reason": reason} if reason else None)


@audit_app.command("resume")
def audit_resume(audit_id: str) -> None:
    """Resume a paused audit."""
    _signal(audit_id, "resume")


@audit_app.command("cancel")
def audit_cancel(
    audit_id: str, reason: Annotated[str | None, typer.Option(help="why, for the record")] = None
) -> None:
    """Cancel: skip unanswered queries, keep and score the answered ones."""
    _signal(audit_id, "cancel", {"reason": reason} if reason else None)


@audit_app.command("report")
def audit_report(
    audit_id: str,
    format: Annotated[str, typer.Option("--format", help="html or markdown")] = "markdown",
    output: Annotated[Path | None, typer.Option(help="write to this file")] = None,
    open_: Annotated[bool, typer.Option("--open", help="open the HTML report in a browser")] = (
        False
    ),
) -> None:
    """The audit's report: Markdown to the terminal, or an HTML page to open."""
    with api() as client:
        if open_:
            # Fetched with the API key, then opened from a file: a browser sends no key.
            html = client.text(f"/audits/{audit_id}/report", params={"format": "html"})
            target = output or Path(tempfile.gettempdir()) / f"propertyaudit-{audit_id}.html"
            target.write_text(html)
            webbrowser.open(target.resolve().as_uri())
            console.print(f"opened {target}")
            return
        text = client.text(f"/audits/{audit_id}/report", params={"format": format})
        if output:
            output.write_text(text)
            console.print(f"wrote {output} ({len(text):,} bytes)")
        else:
            console.print(text, markup=False, highlight=False)


@audit_app.command("list")
def audit_list(
    property_id: Annotated[str | None, typer.Option("--property", help="property id")] = None,
    limit: int = 20,
) -> None:
    """List recent audits."""
    params: dict[str, Any] = {"limit": limit}
    if property_id:
        params["property_id"] = property_id
    with api() as client:
        console.print(audit_table(client.get("/audits", params=params)))


@audit_app.command("delete")
def audit_delete(audit_id: str) -> None:
    """Delete a closed audit with its runs, answers and scores."""
    with api() as client:
        client.request("DELETE", f"/audits/{audit_id}")
        console.print(f"deleted audit {audit_id}")
