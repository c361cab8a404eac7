"""Metrics of a whole audit: the worker's Prometheus endpoint and the API's /metrics.

A stack of its own (counters start at zero, the worker gets a metrics port of its own, the API a
key), one audit through the API, then both endpoints scraped and checked against what the
simulator counted and what the API reports for the audit.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cli.ports import free_port
from cli.stack import Stack, side_by_side_env
from tests.integration.conftest import Live
from tests.prom import label_values, scrape, total

pytestmark = pytest.mark.slow

KEY = "pa-metrics-test-key-0123456789"
SURFACES = ("openai", "claude")


@pytest.fixture(scope="module")
def metered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Live, str]]:
    tmp: Path = tmp_path_factory.mktemp("stack-metrics")
    metrics_port = free_port()
    env = side_by_side_env(
        f"sqlite+aiosqlite:///{tmp / 'propertyaudit.db'}",
        WORKER_METRICS_PORT=str(metrics_port),
        LLMSIM_LATENCY_MS="20",
        LLM_MAX_CONCURRENCY="4",
        PROPERTYAUDIT_API_KEY=KEY,
        EXTRA_SURFACES="[]",
    )
    stack = Stack(env, data_dir=tmp, temporal_db=False)
    try:
        stack.start()
        with (
            httpx.Client(base_url=stack.api_url, timeout=30, headers={"X-API-Key": KEY}) as api,
            httpx.Client(base_url=stack.settings.llmsim_url, timeout=10) as sim,
        ):
            yield (
                Live(stack=stack, api=api, sim=sim, backend="sqlite"),
                f"http://127.0.0.1:{metrics_port}/metrics",
            )
    finally:
        stack.stop()


def test_one_audit_in_the_metrics(metered: tuple[Live, str]) -> None:
    live, worker_url = metered
    assert "metrics on http://127.0.0.1:" in live.stack.log_path("worker").read_text()
    prop = live.new_property()
    panel = prop["panel"]["total"]
    live.sim.post("/_sim/stats/reset")
    started = live.api.post("/audits", json={"property_id": prop["id"], "surfaces": SURFACES})
    assert started.status_code == 202, started.text
    audit_id = started.json()["audit_id"]
    state = live.wait_audit(audit_id)  # also waits for the batch summary's LLM call
    assert state["status"] == "completed", state
    stats = live.sim_stats()
    assert set(stats["by_status"]) == {"200"}  # no faults: every call answered

    worker = scrape(worker_url)
    calls = "propertyaudit_llm_calls_total"
    assert label_values(worker, calls, "status") == {"ok"}
    summary = {"activity_type": "summarize_batch"}
    assert total(worker, calls, **summary) == 1
    for surface in SURFACES:
        # Every request the simulator answered for a surface was counted once, as ok.
        answered = stats["by_surface_status"][f"{surface}:200"]
        assert total(worker, calls, surface=surface, status="ok") == answered, surface
        assert total(worker, calls, surface=surface, task_queue=f"llm-{surface}") == answered
        # One per question; the batch summary is the one call beyond the panel.
        panel_calls = total(worker, calls, surface=surface) - total(
            worker, calls, surface=surface, **summary
        )
        assert panel_calls == panel, surface
    assert total(worker, calls) == 2 * panel + 1 == sum(stats["by_kind"].values())

    # Tokens and cost of the panel's answers (all but the summary) are what the API reports.
    tokens = "propertyaudit_llm_tokens_total"
    cost = "propertyaudit_llm_cost_usd_sum"

    def panel_total(name: str, surface: str, **labels: str) -> float:
        everything = total(worker, name, surface=surface, **labels)
        return everything - total(worker, name, surface=surface, **labels, **summary)

    for run in state["runs"]:
        surface = run["surface"]
        assert run["input_tokens"] > 0 and run["output_tokens"] > 0
        assert panel_total(tokens, surface, kind="input") == run["input_tokens"]
        assert panel_total(tokens, surface, kind="output") == run["output_tokens"]
        assert panel_total(cost, surface) == pytest.approx(
            run["cost_usd"], abs=1e-6
        )  # shown to 6 places
    assert sum(r["input_tokens"] for r in state["runs"]) == state["input_tokens"]
    # The summary was billed too: the worker's totals are a little above the runs'.
    assert total(worker, tokens, kind="input") > state["input_tokens"]
    latency = "propertyaudit_llm_answer_latency_ms_count"
    assert total(worker, latency) == 2 * panel + 1
    assert total(worker, "propertyaudit_llm_answer_latency_ms_sum") > 0

    assert total(worker, "propertyaudit_audits_started_total") == 1
    assert total(worker, "propertyaudit_audits_finished_total", status="completed") == 1
    assert total(worker, "propertyaudit_audits_finished_total") == 1

    # The SDK's own metrics share the endpoint.
    names = {s.name for s in worker}
    for sdk in (
        "temporal_activity_execution_latency_count",
        "temporal_activity_schedule_to_start_latency_count",
        "temporal_workflow_task_execution_latency_count",
        "temporal_worker_task_slots_available",
    ):
        assert sdk in names, sdk
    completed = "temporal_workflow_completed"
    # The audit's workflow still checks alerts after the summary: wait for it to close.
    live.wait_for(
        "PropertyAudit completed",
        lambda: total(scrape(worker_url), completed, workflow_type="PropertyAudit") == 1,
    )
    assert total(worker, completed, workflow_type="SurfaceRun") == len(SURFACES)
    sdk_latency = "temporal_activity_execution_latency_count"
    assert total(worker, sdk_latency, task_queue="llm-openai") >= panel

    # The API's endpoint, with the key as a Bearer token as Prometheus sends it.
    metrics_url = f"{live.stack.api_url}/metrics"
    assert httpx.get(metrics_url).status_code == 401
    api = scrape(metrics_url, headers={"Authorization": f"Bearer {KEY}"})
    assert total(api, "propertyaudit_api_audits_started_total", mode="structured") == 1
    assert total(api, "propertyaudit_audits", status="completed") == 1
    assert total(api, "propertyaudit_audits", status="running") == 0
    requests = "propertyaudit_api_requests_total"
    assert total(api, requests, method="POST", route="/audits", status="202") == 1
    assert total(api, requests, method="GET", route="/audits/{audit_id}", status="200") >= 1
    assert total(api, requests, route="/properties", status="201") == 1
    assert total(api, requests, route="/metrics", status="401") == 1

    # A repeat with the same body starts a second audit; a scrape later shows both.
    again = live.api.post("/audits", json={"property_id": prop["id"], "surfaces": SURFACES})
    live.wait_audit(again.json()["audit_id"])
    worker = scrape(worker_url)
    assert total(worker, "propertyaudit_audits_started_total") == 2
    assert total(worker, "propertyaudit_audits_finished_total", status="completed") == 2
    assert total(worker, calls) == 2 * (2 * panel + 1)
