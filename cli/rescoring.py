"""`propertyaudit rescore …`: re-score stored answers with today's rules (no LLM call)."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape

from cli.client import ApiClient, api
from cli.output import JsonFlag, console, print_json


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
POLL_S = 0.5


def _until_done(client: ApiClient, state: dict[str, Any]) -> dict[str, Any]:
    while state["status"] == "running":
        time.sleep(POLL_S)
        state = client.get(f"/rescores/{state['workflow_id']}")
    return state


def _progress_line(state: dict[str, Any]) -> str | None:
    p = state.get("progress") or {}
    if not p:
        return None
    skipped = p["skipped_open_audits"]
    return (
        f"{state['status']}: {p['audits']} audits, {p['runs']} runs, {p['answers']} answers"
        f" re-scored with rules v{p['scoring_version']}; {p['changed_answers']} changed"
        + (f"; {skipped} audits still open, left alone" if skipped else "")
    )


def rescore(
    ctx: typer.Context,
    target: Annotated[Target, typer.Argument(help="what to re-score")],
    target_id: Annotated[
        str | None, typer.Argument(metavar="ID", help="its id (not for all)")
    ] = None,
    force: Annotated[bool, typer.Option(help="again, even if this version already ran")] = False,
    wait: Annotated[bool, typer.Option(help="wait for the figures")] = True,
    json_: JsonFlag = False,
) -> None:
    """Re-score stored answers with today's rules (no LLM call).

    A run, an audit, a property or all. Exit code 1 if the re-scoring did not complete.
    --json prints its state: the final one, or with --no-wait the first."""
    if (target_id is None) != (target == Target.all):
        raise typer.BadParameter("give an id for run, audit and property; none for all")
    path = RESCORE_PATHS[target.value].format(id=target_id)
    with api(ctx) as client:
        state = client.post(path, params={"force": "true"} if force else {})
        if not json_:
            console.print(escape(f"re-scoring {state['workflow_id']}: {state['status']}"))
        if wait:
            state = _until_done(client, state)
    if json_:
        print_json(state)
    elif line := _progress_line(state):
        console.print(escape(line))
    if state["status"] not in ("running", "completed"):
        raise typer.Exit(1)
