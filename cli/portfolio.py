"""`propertyaudit portfolio`: the portfolio rolled up by region or tag, weakest group first."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape

from cli.client import api
from cli.output import JsonFlag, console, print_json
from cli.render import compact_table


class GroupBy(StrEnum):
    region = "region"
    tag = "tag"


def _figure(value: float | None, suffix: str = "") -> str:
    return "–" if value is None else f"{value:.1f}{suffix}"


def _alerts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {level}" for level, n in counts.items() if n) or "none"


def _heading(group: dict[str, Any]) -> str:
    weakest = group["weakest"]
    lowest = _figure(group["lowest_score"])
    if weakest:
        lowest += f" ({weakest['name']})"
    return (
        f"[bold]{escape(group['key'])}[/bold]  {group['property_count']} properties, "
        f"{group['audited_count']} audited · average {_figure(group['average_score'])} · "
        f"lowest {escape(lowest)} · visibility {_figure(group['average_visibility_pct'], ' %')}"
        f" · alerts: {_alerts(group['alerts'])}"
    )


def _table(group: dict[str, Any]) -> Any:
    table = compact_table("")
    for col in ("property", "score", "change", "visible", "alerts"):
        table.add_column(col)
    for p in group["properties"]:
        table.add_row(
            escape(p["name"]),
            _figure(p["overall_score"]),
            "–" if p["change"] is None else f"{p['change']:+.1f}",
            _figure(p["visibility_pct"], " %"),
            escape(", ".join(a["title"] for a in p["alerts"]) or "–"),
        )
    return table


def portfolio(
    ctx: typer.Context,
    by: Annotated[GroupBy, typer.Option("--by", help="group by region or by tag")] = GroupBy.region,
    region: Annotated[str | None, typer.Option(help="only this region")] = None,
    tag: Annotated[str | None, typer.Option(help="only properties with this tag")] = None,
    json_: JsonFlag = False,
) -> None:
    """Scores, visibility and alerts rolled up by region or tag, weakest group first.

    --json prints the API's answer (GET /portfolio), with every figure's links."""
    params = {"group_by": by.value, "region": region, "tag": tag}
    with api(ctx) as client:
        body = client.get("/portfolio", params={k: v for k, v in params.items() if v is not None})
    if json_:
        print_json(body)
        return
    if not body["groups"]:
        console.print("No property matches." if region or tag else "No property yet.")
        return
    for group in body["groups"]:
        console.print(_heading(group), highlight=False)
        console.print(_table(group))
