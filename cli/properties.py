"""`propertyaudit property …`: register a property from a profile file, list them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.markup import escape

from cli.client import api
from cli.output import JsonFlag, console, print_json
from cli.render import compact_table

property_app = typer.Typer(help="Property profiles.", no_args_is_help=True)


def load_profile(path: Path) -> dict[str, Any]:
    """The profile in a JSON or YAML file; an unreadable one is a usage error, not a traceback."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc}", param_hint="FILE") from exc
    if not isinstance(data, dict):
        raise typer.BadParameter(f"{path} must hold one property object", param_hint="FILE")
    return data


PersonaOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--persona",
        help="also the questions of this persona (repeatable): families, students, pet_owners, "
        "remote_workers, seniors, relocating_professionals, or auto (the target audience's)",
    ),
]
LanguageOpt = Annotated[
    list[str] | None,
    typer.Option("--language", help="in this language (repeatable): en, es; default en"),
]
GeneralOpt = Annotated[
    bool, typer.Option(help="the general questions (any renter); --no-general: personas' only")
]


def panel_body(
    personas: list[str] | None, languages: list[str] | None, general: bool
) -> dict[str, Any] | None:
    """The generate request's body; none when nothing is chosen (the general panel in English,
    as the API has always built it)."""
    if not personas and not languages and general:
        return None
    return {"general": general, "personas": personas or [], "languages": languages or ["en"]}


def _generate(client: Any, property_id: str, body: dict[str, Any] | None) -> Any:
    path = f"/properties/{property_id}/queries/generate"
    return client.post(path, json=body) if body is not None else client.post(path)


@property_app.command("add")
def property_add(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON or YAML profile")],
    generate: Annotated[bool, typer.Option(help="also build the query panel")] = True,
    persona: PersonaOpt = None,
    language: LanguageOpt = None,
    general: GeneralOpt = True,
    json_: JsonFlag = False,
) -> None:
    """Register a property from a profile file (and build its query panel).

    --json prints {"property": …, "panel": … or null}: the two answers of the API."""
    profile = load_profile(file)
    body = panel_body(persona, language, general)
    with api(ctx) as client:
        prop = client.post("/properties", json=profile)
        panel = _generate(client, prop["id"], body) if generate else None
    if json_:
        print_json({"property": prop, "panel": panel})
        return
    line = f"property [bold]{escape(prop['name'])}[/bold] {escape(prop['id'])}"
    if panel is not None:
        line += f" · panel of {panel['total']} queries"
    console.print(line)


@property_app.command("generate")
def property_generate(
    ctx: typer.Context,
    property_id: Annotated[str, typer.Argument(help="the property's id")],
    persona: PersonaOpt = None,
    language: LanguageOpt = None,
    general: GeneralOpt = True,
    json_: JsonFlag = False,
) -> None:
    """Add to a property's panel what it lacks: the general questions, personas' questions,
    in English and other languages. Running it again adds nothing."""
    with api(ctx) as client:
        panel = _generate(client, property_id, panel_body(persona, language, general))
    if json_:
        print_json(panel)
        return
    who = f" for {', '.join(panel['personas'])}" if panel.get("personas") else ""
    console.print(
        f"panel{escape(who)} ({escape(', '.join(panel.get('languages', [])))}): "
        f"{panel['generated']} new, {panel['already_present']} already there, "
        f"{panel['total']} queries in all"
    )


@property_app.command("list")
def property_list(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """List properties."""
    with api(ctx) as client:
        properties = client.get("/properties", params={"limit": 200})
    if json_:
        print_json(properties)
        return
    table = compact_table("Properties")
    table.add_column("id", no_wrap=True)  # an id cut short could not be copied
    for col in ("name", "city", "brand domains"):
        table.add_column(col)
    for p in properties:
        table.add_row(
            escape(p["id"]),
            escape(p["name"]),
            escape(p["address"]["city"]),
            escape(", ".join(p["brand_domains"])),
        )
    console.print(table)
