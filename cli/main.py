"""`propertyaudit`: start and follow audits from a terminal or a script.

The API's address and key come from the environment: PROPERTYAUDIT_API_URL (default
http://127.0.0.1:$API_PORT) and PROPERTYAUDIT_API_KEY.
"""

from __future__ import annotations

import json
import tempfile
import time
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cli.client import ApiClient, ApiError
from cli.render import audit_table, final_insights, follow, scorecard, summary
from config.settings import Settings

app = typer.Typer(
    help="PropertyAudit: GEO audits of a property's visibility in AI answers.", no_args_is_help=True
)
property_app = typer.Typer(help="Property profiles.", no_args_is_help=True)
audit_app = typer.Typer(help="Audits: start, follow, steer.", no_args_is_help=True)
org_app = typer.Typer(help="Organisations and their API keys (admin key).", no_args_is_help=True)
key_app = typer.Typer(help="An organisation's API keys.", no_args_is_help=True)
app.add_typer(property_app, name="property")
app.add_typer(audit_app, name="audit")
app.add_typer(org_app, name="org")
org_app.add_typer(key_app, name="key")
console = Console()


@contextmanager
def api() -> Iterator[ApiClient]:
    """The API client; an API error ends the command with its message and exit code 1."""
    client = ApiClient.from_settings(Settings())
    try:
        yield client
    except ApiError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    finally:
        client.close()


def load_profile(path: Path) -> dict[str, Any]:
    text = path.read_text()
    data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise typer.BadParameter(f"{path} must hold one property object", param_hint="FILE")
    return data


@property_app.command("add")
def property_add(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON or YAML profile")],
    generate: Annotated[bool, typer.Option(help="also build the query panel")] = True,
) -> None:
    """Register a property from a profile file (and build its query panel)."""
    profile = load_profile(file)
    with api() as client:
        prop = client.post("/properties", json=profile)
        line = f"property [bold]{escape(prop['name'])}[/bold] {prop['id']}"
        if generate:
            panel = client.post(f"/properties/{prop['id']}/queries/generate")
            line += f" · panel of {panel['total']} queries"
        console.print(line)


@property_app.command("list")
def property_list() -> None:
    """List properties."""
    with api() as client:
        table = Table(title="Properties")
        for col in ("id", "name", "city", "brand domains"):
            table.add_column(col)
        for p in client.get("/properties", params={"limit": 200}):
            table.add_row(
                p["id"],
                escape(p["name"]),
                escape(p["address"]["city"]),
                escape(", ".join(p["brand_domains"])),
            )
        console.print(table)


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


@org_app.command("create")
def org_create(name: Annotated[str, typer.Argument(help="the organisation's name")]) -> None:
    """Create an organisation and its first key (shown once: keep it)."""
    with api() as client:
        org = client.post("/orgs", json={"name": name})
        console.print(escape(f"organisation {org['name']} {org['org_id']}"))
        console.print(escape(f"api key (shown once): {org['api_key']}"))


@org_app.command("list")
def org_list() -> None:
    """List organisations."""
    with api() as client:
        for org in client.get("/orgs"):
            console.print(escape(f"{org['org_id']}  {org['name']}"))


@key_app.command("add")
def key_add(org_id: str) -> None:
    """Issue another key for an organisation (rotation: add, switch, revoke the old one)."""
    with api() as client:
        key = client.post(f"/orgs/{org_id}/keys")
        console.print(escape(f"key {key['key_id']} (shown once): {key['api_key']}"))


@key_app.command("list")
def key_list(org_id: str) -> None:
    """An organisation's keys (prefixes only: keys are never shown again)."""
    with api() as client:
        for key in client.get(f"/orgs/{org_id}/keys"):
            state = f"revoked {key['revoked_at'][:19]}" if key["revoked_at"] else "live"
            console.print(escape(f"{key['key_id']}  pa_{key['prefix']}_…  {state}"))


@key_app.command("revoke")
def key_revoke(org_id: str, key_id: str) -> None:
    """Revoke a key: it answers 403 from now on."""
    with api() as client:
        client.request("DELETE", f"/orgs/{org_id}/keys/{key_id}")
        console.print(escape(f"revoked key {key_id}"))


class Target(StrEnum):
    run = "run"
    audit = "audit"
    property = "property"
    all = "all"


RESCORE_PATHS = {
    "run": "/runs/{id}/rescore",
    "audit": "/audits/{id}/rescore",
    "property": "/properties/{id}/rescore",
    "all": "/rescore",
}


@app.command("rescore")
def rescore(
    target: Annotated[Target, typer.Argument(help="what to re-score")],
    target_id: Annotated[
        str | None, typer.Argument(metavar="ID", help="its id (not for all)")
    ] = None,
    force: Annotated[bool, typer.Option(help="again, even if this version already ran")] = False,
    wait: Annotated[bool, typer.Option(help="wait for the figures")] = True,
) -> None:
    """Re-score stored answers with today's rules (no LLM call): a run, an audit, a property
    or all."""
    if (target_id is None) != (target == Target.all):
        raise typer.BadParameter("give an id for run, audit and property; none for all")
    path = RESCORE_PATHS[target.value].format(id=target_id)
    with api() as client:
        state = client.post(path, params={"force": "true"} if force else {})
        console.print(escape(f"re-scoring {state['workflow_id']}: {state['status']}"))
        while wait and state["status"] == "running":
            time.sleep(0.5)
            state = client.get(f"/rescores/{state['workflow_id']}")
        p = state.get("progress") or {}
        if p:
            skipped = p["skipped_open_audits"]
            line = (
                f"{state['status']}: {p['audits']} audits, {p['runs']} runs, {p['answers']} answers"
                f" re-scored with rules v{p['scoring_version']}; {p['changed_answers']} changed"
                + (f"; {skipped} audits still open, left alone" if skipped else "")
            )
            console.print(escape(line))
        if state["status"] not in ("running", "completed"):
            raise typer.Exit(1)


if __name__ == "__main__":
    app()
