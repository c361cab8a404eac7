"""`propertyaudit digest …`: a property's weekly digest to its webhook, on a Temporal Schedule."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape

from cli.client import api
from cli.output import JsonFlag, console, print_json

digest_app = typer.Typer(
    help="A property's weekly digest, sent to its alert webhook in its alert format.",
    no_args_is_help=True,
)


class Weekday(StrEnum):
    monday = "monday"
    tuesday = "tuesday"
    wednesday = "wednesday"
    thursday = "thursday"
    friday = "friday"
    saturday = "saturday"
    sunday = "sunday"


PropertyId = Annotated[str, typer.Argument(metavar="PROPERTY_ID", help="the property's id")]


def _say(text: str) -> None:
    # Whole lines: a wrapped URL cannot be clicked or copied.
    console.print(escape(text), soft_wrap=True)


def _show(schedule: dict[str, Any]) -> None:
    _say(
        f"{schedule['schedule_id']}: every {schedule['weekday']} at "
        f"{schedule['hour']:02d}:{schedule['minute']:02d} {schedule['timezone']}, "
        f"as {schedule['alert_format']}" + (" (paused)" if schedule["paused"] else "")
    )
    for at in schedule["next_run_times"][:3]:
        _say(f"  next: {at}")
    if last := schedule.get("last_run"):
        _say(f"  last: {last['started_at']} ({last['workflow_id']})")
    _say(f"  Temporal UI: {schedule['temporal_url']}")


@digest_app.command("set")
def digest_set(
    ctx: typer.Context,
    property_id: PropertyId,
    weekday: Annotated[Weekday, typer.Option(help="the day it goes out")] = Weekday.monday,
    hour: Annotated[int, typer.Option(min=0, max=23, help="the hour, in --timezone")] = 8,
    minute: Annotated[int, typer.Option(min=0, max=59)] = 0,
    timezone: Annotated[str, typer.Option(help="an IANA time zone")] = "UTC",
    json_: JsonFlag = False,
) -> None:
    """Create or replace the property's weekly digest (it needs an alert webhook)."""
    body = {"weekday": weekday.value, "hour": hour, "minute": minute, "timezone": timezone}
    with api(ctx) as client:
        schedule = client.request("PUT", f"/properties/{property_id}/digest", json=body)
    if json_:
        print_json(schedule)
    else:
        _show(schedule)


@digest_app.command("show")
def digest_show(ctx: typer.Context, property_id: PropertyId, json_: JsonFlag = False) -> None:
    """When the digest runs next and what it last sent."""
    with api(ctx) as client:
        schedule = client.get(f"/properties/{property_id}/digest")
    if json_:
        print_json(schedule)
    else:
        _show(schedule)


@digest_app.command("send")
def digest_send(ctx: typer.Context, property_id: PropertyId, json_: JsonFlag = False) -> None:
    """Send one digest now."""
    with api(ctx) as client:
        started = client.post(f"/properties/{property_id}/digest/send")
    if json_:
        print_json(started)
        return
    _say(f"digest on its way as {started['alert_format']}: {started['workflow_id']}")
    _say(f"  Temporal UI: {started['temporal_url']}")


@digest_app.command("remove")
def digest_remove(ctx: typer.Context, property_id: PropertyId) -> None:
    """Stop the weekly digest."""
    with api(ctx) as client:
        client.request("DELETE", f"/properties/{property_id}/digest")
    console.print("digest removed")
