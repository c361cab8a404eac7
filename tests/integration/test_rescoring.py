"""Re-scoring through the API: 202 at once, one workflow per target and scoring version, figures
to read back, and not one LLM call."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.integration.conftest import Live

pytestmark = pytest.mark.slow


def finished(live: Live, workflow_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state: dict[str, Any] = live.api.get(f"/rescores/{workflow_id}").json()
        if state["status"] != "running":
            return state
        time.sleep(0.2)
    raise TimeoutError(workflow_id)


def test_rescore_endpoints_start_once_per_target_and_version(live: Live) -> None:
    prop = live.new_property(name="Rescored Row")
    audit = live.api.post("/audits", json={"property_id": prop["id"]}).json()
    live.wait_audit(audit["audit_id"])
    panel = prop["panel"]["total"]
    calls = live.sim_stats()["requests"]

    started = live.api.post(f"/audits/{audit['audit_id']}/rescore")
    assert started.status_code == 202, started.text
    body = started.json()
    assert body["workflow_id"] == f"rescore-audit-{audit['audit_id']}-v2"
    assert (body["kind"], body["target_id"]) == ("audit", audit["audit_id"])
    assert body["links"]["temporal_ui"].endswith(body["workflow_id"])
    done = finished(live, body["workflow_id"])
    assert done["status"] == "completed"
    progress = done["progress"]
    assert (progress["audits"], progress["runs"], progress["answers"]) == (1, 2, 2 * panel)
    assert progress["changed_answers"] == 0  # scored by today's rules already

    again = live.api.post(f"/audits/{audit['audit_id']}/rescore").json()
    assert again["workflow_id"] == body["workflow_id"] and again["status"] == "completed"
    forced = live.api.post(f"/audits/{audit['audit_id']}/rescore", params={"force": "true"})
    assert forced.json()["workflow_id"].startswith(body["workflow_id"] + "-")
    finished(live, forced.json()["workflow_id"])

    run_id = audit["runs"][0]["run_id"]
    one_run = live.api.post(f"/runs/{run_id}/rescore").json()
    assert finished(live, one_run["workflow_id"])["progress"]["runs"] == 1
    whole = live.api.post(f"/properties/{prop['id']}/rescore").json()
    assert finished(live, whole["workflow_id"])["progress"]["audits"] == 1

    for missing in ("/runs/{}/rescore", "/audits/{}/rescore", "/properties/{}/rescore"):
        path = missing.format("00000000-0000-0000-0000-000000000000")
        assert live.api.post(path).status_code == 404
    assert live.api.get("/rescores/rescore-audit-nope").status_code == 404
    assert live.sim_stats()["requests"] == calls  # not one LLM call
