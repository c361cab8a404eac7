"""`propertyaudit`: start and follow audits from a terminal or a script.

The API's address and key come from the environment: PROPERTYAUDIT_API_URL (default
http://127.0.0.1:$API_PORT) and PROPERTYAUDIT_API_KEY.
"""

from __future__ import annotations

import typer

from cli.audits import audit_app
from cli.orgs import org_app
from cli.properties import property_app
from cli.rescoring import rescore

app = typer.Typer(
    help="PropertyAudit: GEO audits of a property's visibility in AI answers.", no_args_is_help=True
)
app.add_typer(property_app, name="property")
app.add_typer(audit_app, name="audit")
app.add_typer(org_app, name="org")
app.command("rescore")(rescore)


if __name__ == "__main__":
    app()
