"""`propertyaudit org …`: organisations and key rotation from the terminal, against the API."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from cli import main as cli_main
from cli.client import ApiClient
from tests.security.conftest import ADMIN, SecuredApi, secured

__all__ = ["secured"]


@pytest.fixture
def as_key(secured: SecuredApi, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run the CLI with a given key against the in-process API."""

    def use(key: str) -> None:
        def client(_: object) -> ApiClient:
            api = ApiClient.__new__(ApiClient)
            secured.client.headers["X-API-Key"] = key
            api._http = secured.client  # type: ignore[assignment]  # a TestClient speaks httpx
            return api

        monkeypatch.setattr(ApiClient, "from_settings", classmethod(lambda cls, s: client(s)))
        monkeypatch.setattr(ApiClient, "close", lambda self: None)

    return use


def run(*args: str) -> str:
    result = CliRunner().invoke(cli_main.app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_an_organisation_is_created_and_its_keys_rotated(as_key, secured: SecuredApi) -> None:  # type: ignore[no-untyped-def]
    as_key(ADMIN)
    made = run("org", "create", "Acme [bold]Living[/bold]")
    assert "Acme [bold]Living[/bold]" in made  # the name printed as text
    org_id = re.search(r"organisation .* ([0-9a-f-]{36})", made).group(1)  # type: ignore[union-attr]
    first = re.search(r"(pa_\S+)", made).group(1)  # type: ignore[union-attr]
    assert org_id in run("org", "list")

    as_key(first)
    added = run("org", "key", "add", org_id)
    second = re.search(r"(pa_\S+)", added).group(1)  # type: ignore[union-attr]
    keys = run("org", "key", "list", org_id)
    assert keys.count("live") == 2 and first not in keys and second not in keys
    old_id = re.search(r"^([0-9a-f-]{36})\s+pa_", keys, re.MULTILINE).group(1)  # type: ignore[union-attr]
    as_key(second)
    run("org", "key", "revoke", org_id, old_id)
    assert "revoked" in run("org", "key", "list", org_id)
    secured.client.headers["X-API-Key"] = first
    assert secured.client.get("/properties").status_code == 403
