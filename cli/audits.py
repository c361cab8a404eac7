"""`propertyaudit audit …`: start, follow, steer, list and delete audits (report: reports.py)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape

from cli.client import ApiClient, api
from cli.locations import asker_location
from cli.output import JsonFlag, console, err_console, print_json
from cli.render import (
    State,
    audit_table,
    estimate_table,
    final_insights,
    follow,
    is_closed,
    poll_until_closed,
    scorecard,
    summary,
)
from contracts.status import AuditStatus
from geo.location import AskerLocation

audit_app = typer.Typer(help="Audits: start, follow, steer.", no_args_is_help=True)


# The API's modes (api/schemas/common.py Mode); an enum here so --help lists them and a typo is
# a usage error before any request. tests/cli checks they agree.
class Mode(StrEnum):
    structured = "structured"
    natural = "natural"


AuditId = Annotated[str, typer.Argument(metavar="AUDIT_ID", help="the audit's id")]
Reason = Annotated[str | None, typer.Option(help="why, for the record")]
FollowFlag = Annotated[
    bool, typer.Option("--follow", help="live bars until the audit closes, then the scorecard")
]


def _start_body(
    property_id: str,
    surfaces: str | None,
    mode: Mode | None,
    web_search: bool | None,
    samples: int,
    max_cost: float | None,
    paused: bool,
    place: dict[str, object] | None = None,
) -> dict[str, Any]:
    # Unset options stay out of the body, so the API applies the deployment's defaults.
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
    if place:
        body["asker_location"] = place
    return body


def _print_header(state: State) -> None:
    console.print(
        f"audit {escape(state['audit_id'])}: [bold]{escape(state['status'])}[/bold]"
        + (" (paused)" if state["paused"] else "")
    )


def _print_state(state: State) -> None:
    _print_header(state)
    if place := state.get("asker_location"):
        console.print(escape(f"  asked from {AskerLocation.model_validate(place).label()}"))
    for run in state["runs"]:
        console.print(
            escape(
                f"  {run['surface']:<8} {run['status']:<10} {run['done']}/{run['total']}"
                f"  errors {run['errors']}  score {run['score']}"
            )
        )


def _wait_closed(client: ApiClient, audit_id: str, json_: bool) -> State:
    """Until the audit closes: live bars for a person; silence for a script (--json)."""
    try:
        if json_:
            return poll_until_closed(client, audit_id)
        return follow(client, console, audit_id)
    except KeyboardInterrupt:
        # Ctrl-C ends the watching, not the audit: say how to come back.
        err_console.print(
            f"stopped following; audit {escape(audit_id)} keeps running "
            f"(propertyaudit audit show {escape(audit_id)} --follow)"
        )
        raise typer.Exit(130) from None


def _follow_to_close(client: ApiClient, audit_id: str, json_: bool, *, closed: bool) -> None:
    """Follow an audit until it closes, then its scorecard, or (--json) its final state. Exit
    code 1 if it failed. `closed`: it already was, so its summary will not come later."""
    state = _wait_closed(client, audit_id, json_)
    if json_:
        print_json(state)
    else:
        insights = (
            client.get(f"/audits/{audit_id}/insights")
            if closed
            else final_insights(client, audit_id)
        )
        scorecard(console, insights)
        summary(console, state, insights)
    if state["status"] == AuditStatus.FAILED:
        raise typer.Exit(1)


@audit_app.command("start")
def audit_start(
    ctx: typer.Context,
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
    location: Annotated[
        str | None,
        typer.Option(help='ask from this place: "City, Region ZIP, Country" (San Diego, CA, US)'),
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help="the asker's IANA time zone, e.g. America/Los_Angeles")
    ] = None,
    lat_lng: Annotated[
        str | None, typer.Option(help="the asker's coordinates: LATITUDE,LONGITUDE")
    ] = None,
    follow_: FollowFlag = False,
    idempotency_key: Annotated[str | None, typer.Option(help="repeat-safe start")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="the calls, cost and time it would take; no start")
    ] = False,
    json_: JsonFlag = False,
) -> None:
    """Start an audit of a property. With --json --follow: the final state once it closes."""
    place = asker_location(location, timezone, lat_lng)
    body = _start_body(property_id, surfaces, mode, web_search, samples, max_cost, paused, place)
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    with api(ctx) as client:
        if dry_run:
            found = client.post("/audits", json=body, params={"dry_run": "true"})
            print_json(found) if json_ else estimate_table(console, found)
            return
        audit = client.post("/audits", json=body, headers=headers)
        if not json_:
            line = f"audit {audit['audit_id']} {audit['status']}: {audit['links']['temporal_ui']}"
            console.print(escape(line))
        elif not follow_:
            print_json(audit)  # with --follow, the final state is printed instead
        if follow_:
            _follow_to_close(client, audit["audit_id"], json_, closed=False)


@audit_app.command("show")
def audit_show(
    ctx: typer.Context, audit_id: AuditId, follow_: FollowFlag = False, json_: JsonFlag = False
) -> None:
    """An audit's status and progress per surface, and its scorecard once it closed.

    --follow re-attaches to a running audit: live bars until it closes, then the scorecard
    (exit code 1 if it failed). Ctrl-C stops following; the audit keeps running."""
    with api(ctx) as client:
        state = client.get(f"/audits/{audit_id}")
        if follow_:
            if not json_:
                _print_header(state)  # the bars show the runs
            _follow_to_close(client, audit_id, json_, closed=is_closed(state))
        elif json_:
            print_json(state)
        else:
            _print_state(state)
            if is_closed(state):
                insights = client.get(f"/audits/{audit_id}/insights")
                scorecard(console, insights)
                summary(console, state, insights)


def _signal(
    ctx: typer.Context, audit_id: str, name: str, json_: bool, params: dict[str, str] | None = None
) -> None:
    with api(ctx) as client:
        answer = client.post(f"/audits/{audit_id}/{name}", params=params or {})
    if json_:
        print_json(answer)
    else:
        console.print(escape(f"{name} sent to audit {audit_id}"))


@audit_app.command("pause")
def audit_pause(
    ctx: typer.Context, audit_id: AuditId, reason: Reason = None, json_: JsonFlag = False
) -> None:
    """Pause: no new LLM call starts until resume."""
    _signal(ctx, audit_id, "pause", json_, {"reason": reason} if reason else None)


@audit_app.command("resume")
def audit_resume(ctx: typer.Context, audit_id: AuditId, json_: JsonFlag = False) -> None:
    """Resume a paused audit."""
    _signal(ctx, audit_id, "resume", json_)


@audit_app.command("cancel")
def audit_cancel(
    ctx: typer.Context, audit_id: AuditId, reason: Reason = None, json_: JsonFlag = False
) -> None:
    """Cancel: skip unanswered queries, keep and score the answered ones."""
    _signal(ctx, audit_id, "cancel", json_, {"reason": reason} if reason else None)


@audit_app.command("list")
def audit_list(
    ctx: typer.Context,
    property_id: Annotated[str | None, typer.Option("--property", help="property id")] = None,
    limit: Annotated[int, typer.Option(min=1, help="at most this many, newest first")] = 20,
    json_: JsonFlag = False,
) -> None:
    """List recent audits."""
    params: dict[str, Any] = {"limit": limit}
    if property_id:
        params["property_id"] = property_id
    with api(ctx) as client:
        audits = client.get("/audits", params=params)
    if json_:
        print_json(audits)
    else:
        console.print(audit_table(audits))


@audit_app.command("delete")
def audit_delete(ctx: typer.Context, audit_id: AuditId) -> None:
    """Delete a closed audit with its runs, answers and scores."""
    with api(ctx) as client:
        client.request("DELETE", f"/audits/{audit_id}")
    console.print(escape(f"deleted audit {audit_id}"))
