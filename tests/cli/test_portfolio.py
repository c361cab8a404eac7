"""`propertyaudit portfolio` against the API in this process: groups weakest first with their
figures, by region or tag, filtered; --json is the API's answer."""

from __future__ import annotations

import json

import httpx
from typer.testing import CliRunner

from cli import main as cli_main
from cli.client import ApiTarget
from tests.api.conftest import Api, api
from tests.api.test_portfolio import MISSED, THIRD, TOP, seed

__all__ = ["api"]


def run(app: Api, *args: str) -> str:
    """The CLI, each of its requests passed on to the in-process API."""

    def forward(request: httpx.Request) -> httpx.Response:
        answer = app.client.request(request.method, request.url.raw_path.decode())
        return httpx.Response(
            answer.status_code,
            content=answer.content,
            headers={"content-type": answer.headers.get("content-type", "")},
        )

    target = ApiTarget(url="http://testserver", transport=httpx.MockTransport(forward))
    result = CliRunner().invoke(cli_main.app, list(args), obj=target)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_groups_weakest_first_by_region_and_by_tag(api: Api) -> None:
    seed(api, "Aero", [TOP], region="North Park", tags=["luxury"])
    seed(api, "Bayside", [TOP, THIRD], region="North Park", tags=["luxury"])
    seed(api, "Canyon", [MISSED], region="La Jolla")
    shown = run(api, "portfolio")
    assert shown.index("La Jolla") < shown.index("North Park")
    assert "2 properties, 2 audited · average 68.0 · lowest 36.0 (Bayside)" in shown
    assert "1 critical, 1 success" in shown and "Score dropped" in shown
    by_tag = run(api, "portfolio", "--by", "tag")
    assert by_tag.index("(untagged)") < by_tag.index("luxury")
    only = json.loads(run(api, "portfolio", "--by", "tag", "--tag", "luxury", "--json"))
    assert [g["key"] for g in only["groups"]] == ["luxury"]
    assert only["group_by"] == "tag" and only["property_count"] == 2
    assert "No property matches." in run(api, "portfolio", "--region", "Nowhere")
