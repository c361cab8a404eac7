"""`propertyaudit org …`: organisations and their API keys (admin key)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from cli.client import api
from cli.output import JsonFlag, console, print_json

org_app = typer.Typer(help="Organisations and their API keys (admin key).", no_args_is_help=True)
key_app = typer.Typer(help="An organisation's API keys.", no_args_is_help=True)
org_app.add_typer(key_app, name="key")


@org_app.command("create")
def org_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="the organisation's name")],
    json_: JsonFlag = False,
) -> None:
    """Create an organisation and its first key (shown once: keep it)."""
    with api(ctx) as client:
        org = client.post("/orgs", json={"name": name})
    if json_:
        print_json(org)
        return
    console.print(escape(f"organisation {org['name']} {org['org_id']}"))
    console.print(escape(f"api key (shown once): {org['api_key']}"))


@org_app.command("list")
def org_list(ctx: typer.Context, json_: JsonFlag = False) -> None:
    """List organisations."""
    with api(ctx) as client:
        orgs = client.get("/orgs")
    if json_:
        print_json(orgs)
        return
    for org in orgs:
        console.print(escape(f"{org['org_id']}  {org['name']}"))


@key_app.command("add")
def key_add(ctx: typer.Context, org_id: str, json_: JsonFlag = False) -> None:
    """Issue another key for an organisation (rotation: add, switch, revoke the old one)."""
    with api(ctx) as client:
        key = client.post(f"/orgs/{org_id}/keys")
    if json_:
        print_json(key)
        return
    console.print(escape(f"key {key['key_id']} (shown once): {key['api_key']}"))


@key_app.command("list")
def key_list(ctx: typer.Context, org_id: str, json_: JsonFlag = False) -> None:
    """An organisation's keys (prefixes only: keys are never shown again)."""
    with api(ctx) as client:
        keys = client.get(f"/orgs/{org_id}/keys")
    if json_:
        print_json(keys)
        return
    for key in keys:
        state = f"revoked {key['revoked_at'][:19]}" if key["revoked_at"] else "live"
        console.print(escape(f"{key['key_id']}  pa_{key['prefix']}_…  {state}"))


@key_app.command("revoke")
def key_revoke(ctx: typer.Context, org_id: str, key_id: str) -> None:
    """Revoke a key: it answers 403 from now on."""
    with api(ctx) as client:
        client.request("DELETE", f"/orgs/{org_id}/keys/{key_id}")
    console.print(escape(f"revoked key {key_id}"))
