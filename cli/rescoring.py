"""`propertyaudit rescore …`: re-score stored answers with today's rules (no LLM call)."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Annotated

import typer
from rich.markup import escape

from cli.client import api, console


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
