"""`propertyaudit property …`: register a property from a profile file, list them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.markup import escape
from rich.table import Table

from cli.client import api, console

property_app = typer.Typer(help="Property profiles.", no_args_is_help=True)


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
