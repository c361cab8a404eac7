"""Where the CLI writes: data to stdout (rich for people, plain JSON for scripts), errors to
stderr, so `propertyaudit … --json | jq` never sees a message meant for a person."""

from __future__ import annotations

import json
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

# Rich looks sys.stdout / sys.stderr up at each print, so a test runner's capture still works.
console = Console()
err_console = Console(stderr=True)

JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print the API's JSON (for jq and scripts), nothing else.")
]


def print_json(data: Any) -> None:
    # Not rich's print_json: it highlights and wraps, and the output must parse byte for byte.
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def fail(message: str, code: int = 1) -> NoReturn:
    """End the command on an expected failure: one line on stderr, no traceback."""
    err_console.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
