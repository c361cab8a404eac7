"""`propertyaudit audit report`: an audit's report to stdout, a file, or a browser."""

from __future__ import annotations

import tempfile
import webbrowser
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cli.audits import AuditId, audit_app
from cli.client import api
from cli.output import JsonFlag, console, fail, print_json


# The API's formats (api/services/reports.py ReportFormat); tests/cli checks they agree.
class ReportFormat(StrEnum):
    html = "html"
    markdown = "markdown"


def _report_format(
    format_: ReportFormat | None, open_: bool, json_: bool, output: Path | None
) -> ReportFormat:
    """The format to fetch; the combinations that cannot work are usage errors."""
    if open_ and format_ == ReportFormat.markdown:
        raise typer.BadParameter("--open shows the HTML report", param_hint="--format")
    if json_ and not (output or open_):
        # Printed, the report is the data itself: --json only describes a written file.
        raise typer.BadParameter(
            "describes a written report: add --output or --open", param_hint="--json"
        )
    return ReportFormat.html if open_ else format_ or ReportFormat.markdown


def _write(target: Path, text: str) -> None:
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")


@audit_app.command("report")
def audit_report(
    ctx: typer.Context,
    audit_id: AuditId,
    format_: Annotated[
        ReportFormat | None, typer.Option("--format", help="default markdown; html with --open")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="write to this file")] = None,
    open_: Annotated[bool, typer.Option("--open", help="open the HTML report in a browser")] = (
        False
    ),
    json_: JsonFlag = False,
) -> None:
    """The audit's report: Markdown to stdout or a file, or an HTML page to open.

    --json (with --output or --open) prints where it went: audit_id, format, path, bytes."""
    fmt = _report_format(format_, open_, json_, output)
    with api(ctx) as client:
        text = client.text(f"/audits/{audit_id}/report", params={"format": fmt.value})
    if not (output or open_):
        typer.echo(text, nl=not text.endswith("\n"))  # as is: rich would wrap its lines
        return
    target = output or Path(tempfile.gettempdir()) / f"propertyaudit-{audit_id}.html"
    _write(target, text)
    if open_:
        # From a file, not the API's URL: a browser would send no API key.
        webbrowser.open(target.resolve().as_uri())
    size = len(text.encode())
    if json_:
        print_json({"audit_id": audit_id, "format": fmt.value, "path": str(target), "bytes": size})
    else:
        console.print(escape(f"{'opened' if open_ else 'wrote'} {target} ({size:,} bytes)"))
