"""`propertyaudit org …`: organisations and key rotation from the terminal, against the API."""

from __future__ import annotations

import re

import httpx
from typer.testing import CliRunner

from cli import main as cli_main
from cli.client import ApiTarget
from tests.security.conftest import ADMIN, SecuredApi, secured

__all__ = ["secured"]


def run(api: SecuredApi, key: str, *args: str) -> str:
    """The CLI with --api-key KEY, each of its requests passed on to the in-process API."""

    def forward(request: httpx.Request) -> httpx.Response:
        answer = api.client.request(
            request.method,
            request.url.raw_path.decode(),
            headers=request.headers,
            content=request.content,
        )
        content_type = answer.headers.get("content-type", "")
        return httpx.Response(
            answer.status_code, content=answer.content, headers={"content-type": content_type}
        )

    target = ApiTarget(url="http://testserver", transport=httpx.MockTransport(forward))
    result = CliRunner().invoke(cli_main.app, ["--api-key", key, *args], obj=target)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_an_organisation_is_created_and_its_keys_rotated(secured: SecuredApi) -> None:
    made = run(secured, ADMIN, "org", "create", "Acme [bold]Living[/bold]")
    assert "Acme [bold]Living[/bold]" in made  # the name printed as text
    org_id = re.search(r"organisation .* ([0-9a-f-]{36})", made).group(1)  # type: ignore[union-attr]
    first = re.search(r"(pa_\S+)", made).group(1)  # type: ignore[union-attr]
    assert org_id in run(secured, ADMIN, "org", "list")

    added = run(secured, first, "org", "key", "add", org_id)
    second = re.search(r"(pa_\S+)", added).group(1)  # type: ignore[union-attr]
    keys = run(secured, first, "org", "key", "list", org_id)
    assert keys.count("live") == 2 and first not in keys and second not in keys
    old_id = re.search(r"^([0-9a-f-]{36})\s+pa_", keys, re.MULTILINE).group(1)  # type: ignore[union-attr]
    run(secured, second, "org", "key", "revoke", org_id, old_id)
    assert "revoked" in run(secured, second, "org", "key", "list", org_id)
    secured.client.headers["X-API-Key"] = first
    assert secured.client.get("/properties").status_code == 403
