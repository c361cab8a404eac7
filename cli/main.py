"""`propertyaudit`: start and follow audits from a terminal or a script.

The root options say where the API is and which key to send; every command reads them from the
typer context (cli.client.api), so settings are read in one place.
"""

from __future__ import annotations

from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer

from cli import reports  # noqa: F401 - registers `audit report` on audit_app
from cli.audits import audit_app
from cli.client import ApiTarget
from cli.digests import digest_app
from cli.migrate import migrate
from cli.orgs import org_app
from cli.portfolio import portfolio
from cli.properties import property_app
from cli.rescoring import rescore

DISTRIBUTION = "propertyaudit"  # [project] name in pyproject.toml

app = typer.Typer(
    name="propertyaudit",
    help="PropertyAudit: GEO audits of a property's visibility in AI answers.",
    no_args_is_help=True,
    epilog="Exit codes: 0 done; 1 the API refused or could not be reached, or the audit failed;"
    " 2 a usage error (bad option or value). Errors go to stderr; --json output to stdout.",
    # A traceback's locals would include the API key.
    pretty_exceptions_show_locals=False,
)
app.add_typer(property_app, name="property")
app.add_typer(audit_app, name="audit")
app.add_typer(org_app, name="org")
app.add_typer(digest_app, name="digest")
app.command("rescore")(rescore)
app.command("migrate")(migrate)
app.command("portfolio")(portfolio)


def _version(value: bool) -> None:
    if not value:
        return
    try:
        typer.echo(version(DISTRIBUTION))
    except PackageNotFoundError:
        # Run from a checkout that was never installed: say so rather than fail.
        typer.echo("unknown (not installed)")
    raise typer.Exit()


def _api_url(value: str | None) -> str | None:
    if value and not value.startswith(("http://", "https://")):
        raise typer.BadParameter(f"{value!r} is no http:// or https:// URL")
    return value.rstrip("/") if value else value


@app.callback()
def root(
    ctx: typer.Context,
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            envvar="PROPERTYAUDIT_API_URL",
            callback=_api_url,
            help="The API's address. Unset: http://127.0.0.1:$API_PORT (8000).",
        ),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            envvar="PROPERTYAUDIT_API_KEY",
            help="The key sent as X-API-Key. Prefer the env var: a flag shows in `ps`.",
        ),
    ] = None,
    version_: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    # A caller embedding the app (the tests) may hand in a target with its own transport.
    given = ctx.obj if isinstance(ctx.obj, ApiTarget) else ApiTarget()
    ctx.obj = replace(given, url=api_url or given.url, key=api_key or given.key)


if __name__ == "__main__":
    app()
