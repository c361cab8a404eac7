"""Scripts get the API's JSON alone on stdout (--json); people and scripts get errors on stderr,
with an exit code and no traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cli.conftest import FakeApi
from tests.cli.samples import AUDIT_ID, audit_state

ORG = "8a1c6c1e-0000-4000-8000-000000000001"
RESCORE = {"workflow_id": "rescore-1", "status": "running", "progress": None}
PROPERTY = {"id": "p1", "name": "AMLI Aero", "address": {"city": "San Diego"}, "brand_domains": []}

# (command, method and path it calls, what the API answers)
JSON_COMMANDS: list[tuple[list[str], str, str, Any]] = [
    (["audit", "list"], "GET", "/audits", [audit_state("completed")]),
    (["audit", "show", AUDIT_ID], "GET", f"/audits/{AUDIT_ID}", audit_state("running", 3)),
    (["audit", "pause", AUDIT_ID], "POST", f"/audits/{AUDIT_ID}/pause", {"status": "pause sent"}),
    (["property", "list"], "GET", "/properties", [PROPERTY]),
    (["org", "list"], "GET", "/orgs", [{"org_id": ORG, "name": "Acme"}]),
    (["org", "key", "list", ORG], "GET", f"/orgs/{ORG}/keys", [{"key_id": "k", "prefix": "ab"}]),
    (["rescore", "all", "--no-wait"], "POST", "/rescore", RESCORE),
]


@pytest.mark.parametrize(("args", "method", "path", "answer"), JSON_COMMANDS)
def test_json_prints_the_api_answer_and_nothing_else(
    fake_api: FakeApi, args: list[str], method: str, path: str, answer: Any
) -> None:
    fake_api.on(method, path, answer)
    result = fake_api.invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == answer
    assert result.stdout == json.dumps(answer, indent=2, ensure_ascii=False) + "\n"


def test_json_waits_for_a_rescoring_and_prints_its_final_state(fake_api: FakeApi) -> None:
    done = {**RESCORE, "status": "completed", "progress": {"audits": 1}}
    fake_api.on("POST", "/rescore", RESCORE)
    fake_api.on("GET", "/rescores/rescore-1", RESCORE, done)
    result = fake_api.invoke("rescore", "all", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == done


def test_property_add_json_holds_both_answers(fake_api: FakeApi, tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("name: AMLI Aero\n")
    panel = {"generated": 12, "already_present": 0, "total": 12, "queries": []}
    fake_api.on("POST", "/properties", PROPERTY, status=201)
    fake_api.on("POST", "/properties/p1/queries/generate", panel, status=201)
    result = fake_api.invoke("property", "add", str(profile), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"property": PROPERTY, "panel": panel}


def test_an_api_error_goes_to_stderr_with_its_detail(fake_api: FakeApi) -> None:
    fake_api.on("GET", f"/audits/{AUDIT_ID}", {"detail": f"no audit {AUDIT_ID}"}, status=404)
    result = fake_api.invoke("audit", "show", AUDIT_ID, "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"error: HTTP 404: no audit {AUDIT_ID}" in result.stderr
    assert "Traceback" not in result.output


def test_field_errors_read_as_fields(fake_api: FakeApi) -> None:
    detail = [
        {"loc": ["body", "samples_per_query"], "msg": "Input should be less than or equal to 5"},
        {"loc": ["body", "property_id"], "msg": "Input should be a valid UUID"},
    ]
    fake_api.on("POST", "/audits", {"detail": detail}, status=422)
    result = fake_api.invoke("audit", "start", "p1")
    assert result.exit_code == 1
    assert (
        "HTTP 422: samples_per_query: Input should be less than or equal to 5; "
        "property_id: Input should be a valid UUID"
    ) in result.stderr


def test_an_unreachable_api_is_one_line_on_stderr() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    api = FakeApi()
    api.handle = refuse  # type: ignore[method-assign]
    result = api.invoke("audit", "list")
    assert result.exit_code == 1 and result.stdout == ""
    assert "error: cannot reach the API at http://api.test" in result.stderr
    assert "Connection refused" in result.stderr and "Traceback" not in result.stderr


def test_a_server_that_is_not_the_api_is_named(fake_api: FakeApi) -> None:
    page = httpx.Response(200, text="<html>hello</html>", headers={"content-type": "text/html"})
    fake_api.on_response("GET", "/audits", page)
    result = fake_api.invoke("audit", "list")
    assert result.exit_code == 1
    assert "did not answer JSON: is it the PropertyAudit API?" in result.stderr


@pytest.mark.parametrize("content", ["name: [unclosed\n", "- a list\n- not an object\n"])
def test_an_unreadable_profile_is_a_usage_error(
    fake_api: FakeApi, tmp_path: Path, content: str
) -> None:
    profile = tmp_path / "bad.yaml"
    profile.write_text(content)
    result = fake_api.invoke("property", "add", str(profile))
    assert result.exit_code == 2
    assert "bad.yaml" in result.stderr and "Traceback" not in result.output
    assert not fake_api.requests


def test_rescore_all_with_an_id_is_a_usage_error(fake_api: FakeApi) -> None:
    result = fake_api.invoke("rescore", "all", AUDIT_ID)
    assert result.exit_code == 2 and "none for all" in result.stderr
    assert not fake_api.requests


def test_a_missing_key_says_how_to_give_one(fake_api: FakeApi) -> None:
    fake_api.on("GET", "/audits", {"detail": "missing X-API-Key header"}, status=401)
    result = fake_api.invoke("audit", "list")
    assert result.exit_code == 1
    assert "HTTP 401: missing X-API-Key header" in result.stderr
    assert "PROPERTYAUDIT_API_KEY" in result.stderr
