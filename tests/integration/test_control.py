"""Steering audits through the real processes: a pause that holds the LLM calls and a resume
from the CLI, Temporal's own cancel reaching the database, a schedule starting audits. The
workflow logic of each signal is tested in-process in tests/workflows/."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.conftest import Live

pytestmark = pytest.mark.slow


@pytest.fixture
def slow_llm(live: Live) -> Iterator[Live]:
    """Calls take 400 ms, so an audit can be caught mid-flight."""
    live.sim_config(latency_ms=400, latency_jitter=0)
    yield live
    live.sim_config(latency_ms=20, auth_fail=[])


def start(live: Live, prop: dict[str, Any], **extra: Any) -> dict[str, Any]:
    response = live.api.post("/audits", json={"property_id": prop["id"], **extra})
    assert response.status_code == 202, response.text
    return dict(response.json())


def progress(live: Live, audit_id: str) -> dict[str, Any]:
    return dict(live.api.get(f"/audits/{audit_id}").json())


def db_audit(live: Live, prop: dict[str, Any], audit_id: str) -> dict[str, Any]:
    """The audit as the database has it (the list endpoint never asks the workflow)."""
    rows = live.api.get("/audits", params={"property_id": prop["id"]}).json()
    return next(a for a in rows if a["audit_id"] == audit_id)


def answered(state: dict[str, Any]) -> int:
    return sum(r["done"] for r in state["runs"])


def test_pause_holds_llm_calls_and_resume_from_the_cli_completes(slow_llm: Live) -> None:
    live = slow_llm
    prop = live.new_property(name="Pause Point")
    audit = start(live, prop)
    aid = audit["audit_id"]
    live.wait_for("first answers", lambda: answered(progress(live, aid)) >= 4)
    paused_at = time.monotonic()
    assert live.api.post(f"/audits/{aid}/pause").status_code == 202

    # In-flight calls may finish; then the count of calls must hold still.
    def held() -> bool:
        before = live.sim_stats()["requests"]
        time.sleep(0.6)
        return bool(live.sim_stats()["requests"] == before)

    live.wait_for("calls to hold", held, timeout=10)
    hold_s = time.monotonic() - paused_at
    frozen = live.sim_stats()["requests"]
    time.sleep(1.5)
    assert live.sim_stats()["requests"] == frozen
    print(f"\npause held all LLM calls {hold_s:.2f}s after the signal")

    state = progress(live, aid)
    assert state["status"] == "paused" and state["paused"] is True
    assert {r["status"] for r in state["runs"]} == {"paused"}
    assert answered(state) < 2 * prop["panel"]["total"]
    live.wait_for("rows paused", lambda: db_audit(live, prop, aid)["status"] == "paused")
    for run in audit["runs"]:
        live.wait_for(
            "run row paused",
            lambda r=run: live.api.get(f"/runs/{r['run_id']}").json()["status"] == "paused",
        )
    assert live.workflows(f'AuditId="{aid}" AND AuditStatus="paused"', expect=3)
    queried = live.temporal(
        "workflow", "query", "--workflow-id", f"audit-{aid}", "--type", "progress", "-o", "json"
    )
    parent = json.loads(queried)["queryResult"][0]
    assert parent["status"] == "paused" and parent["paused"] is True
    assert {s["surface"]: s["total"] for s in parent["surfaces"]} == {
        "openai": prop["panel"]["total"],
        "claude": prop["panel"]["total"],
    }

    live.temporal("workflow", "signal", "--workflow-id", f"audit-{aid}", "--name", "resume")
    final = live.wait_audit(aid)
    assert final["status"] == "completed"
    panel = prop["panel"]["total"]
    for run in final["runs"]:
        assert (run["status"], run["done"], run["errors"]) == ("completed", panel, 0)
        answers = live.api.get(f"/runs/{run['run_id']}").json()["answers"]
        assert len({a["query_id"] for a in answers}) == len(answers) == panel


def test_native_cancel_reaches_the_database(live: Live) -> None:
    live.sim_config(latency_ms=3000, latency_jitter=0)
    try:
        prop = live.new_property(name="Native Cancel Commons")
        live.sim.post("/_sim/stats/reset")
        aid = start(live, prop)["audit_id"]
        live.wait_for("calls in flight", lambda: live.sim_stats()["requests"] >= 4)
        cancelled_at = time.monotonic()
        live.temporal("workflow", "cancel", "--workflow-id", f"audit-{aid}")
        live.wait_for(
            "cancelled in the database",
            lambda: db_audit(live, prop, aid)["status"] == "cancelled",
            timeout=30,
        )
        took = time.monotonic() - cancelled_at
        print(f"\nnative cancel reached the database after {took:.2f}s")
    finally:
        live.sim_config(latency_ms=20)
    state = db_audit(live, prop, aid)
    assert {r["status"] for r in state["runs"]} == {"cancelled"}
    assert took < 10  # heartbeats deliver the cancel to calls that are still waiting
    described = live.temporal("workflow", "describe", "--workflow-id", f"audit-{aid}", "-o", "json")
    assert "WORKFLOW_EXECUTION_STATUS_CANCELED" in described


def test_a_schedule_starts_ordinary_audits(live: Live) -> None:
    prop = live.new_property(name="Scheduled Summit")
    pid = prop["id"]
    assert live.api.get(f"/properties/{pid}/schedule").status_code == 404
    both = live.api.put(f"/properties/{pid}/schedule", json={"interval_minutes": 60, "cron": "x"})
    assert both.status_code == 422
    bad_cron = live.api.put(f"/properties/{pid}/schedule", json={"cron": "not a cron at all"})
    assert bad_cron.status_code == 422
    made = live.api.put(
        f"/properties/{pid}/schedule", json={"interval_minutes": 60, "surfaces": ["openai"]}
    )
    assert made.status_code == 200, made.text
    assert made.json()["interval_minutes"] == 60 and made.json()["next_run_times"]
    changed = live.api.put(
        f"/properties/{pid}/schedule",
        json={"cron": "0 6 * * MON", "surfaces": ["openai", "claude"], "max_cost_usd": 50},
    )
    assert changed.status_code == 200
    shown = live.api.get(f"/properties/{pid}/schedule").json()
    assert (shown["cron"], shown["interval_minutes"]) == ("0 6 * * MON", None)
    assert shown["max_cost_usd"] == 50
    assert shown["surfaces"] == ["openai", "claude"] and len(shown["next_run_times"]) >= 2

    live.temporal("schedule", "trigger", "--schedule-id", shown["schedule_id"])
    audits = live.wait_for(
        "a scheduled audit", lambda: live.api.get("/audits", params={"property_id": pid}).json()
    )
    aid = audits[0]["audit_id"]
    final = live.wait_audit(aid)
    assert final["status"] == "completed"
    assert final["workflow_id"].startswith(f"audit-scheduled-{pid}")
    assert final["max_cost_usd"] == 50  # scheduled audits carry their budget too
    assert {r["surface"] for r in final["runs"]} == {"openai", "claude"}
    rows = live.workflows(f'PropertyId="{pid}"', expect=3)
    assert sorted(r["type"]["name"] for r in rows) == ["PropertyAudit", "SurfaceRun", "SurfaceRun"]
    assert live.workflows(f'AuditId="{aid}"', expect=3)
    assert live.api.delete(f"/properties/{pid}/schedule").status_code == 204
    assert live.api.get(f"/properties/{pid}/schedule").status_code == 404
