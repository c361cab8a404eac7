"""Whole audits through the API against a real dev server, simulator, worker and database."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from geo.profile import Address, Competitor, PropertyProfile
from llmsim.answers import simulate_answer
from llmsim.market import parse_structured_prompt
from surfaces.prompts import structured_prompt
from tests.integration.conftest import Live

pytestmark = pytest.mark.slow


def profile_from(prop: dict[str, object]) -> PropertyProfile:
    return PropertyProfile(
        name=prop["name"],  # type: ignore[arg-type]
        address=Address(**prop["address"]),  # type: ignore[arg-type]
        website_url=prop["website_url"],  # type: ignore[arg-type]
        brand_domains=prop["brand_domains"],  # type: ignore[arg-type]
        competitors=[Competitor(**c) for c in prop["competitors"]],  # type: ignore[attr-defined]
    )


def test_whole_audit_completes_on_both_surfaces(live: Live) -> None:
    prop = live.new_property()
    live.sim.post("/_sim/stats/reset")
    started = live.api.post("/audits", json={"property_id": prop["id"]})
    assert started.status_code == 202, started.text
    body = started.json()
    assert body["workflow_id"] == f"audit-{body['audit_id']}"
    assert {r["surface"] for r in body["runs"]} == {"openai", "claude"}
    assert {r["workflow_id"] for r in body["runs"]} == {
        f"audit-{body['audit_id']}-openai",
        f"audit-{body['audit_id']}-claude",
    }

    state = live.wait_audit(body["audit_id"])
    assert state["status"] == "completed", state
    panel = prop["panel"]["total"]
    for run in state["runs"]:
        assert (run["status"], run["done"], run["total"], run["errors"]) == (
            "completed",
            panel,
            panel,
            0,
        )
        assert run["score"] is not None and run["progress_pct"] == 100.0

    insights = live.api.get(f"/audits/{body['audit_id']}/insights").json()
    assert insights["batchStatus"]["complete"] is True
    assert insights["batchStatus"]["status"] == "complete"
    assert insights["cross_model"]["agreement_rate"] is not None
    brand_names = {c["name"] for c in insights["cross_model"]["competitors"]}
    assert "AMLI Aero" not in brand_names  # the brand is not its own competitor

    # One stored answer per query and surface; each agrees with the simulator's ground truth.
    profile = profile_from(prop)
    seed = live.sim.get("/_sim/config").json()["seed"]
    for ref in body["runs"]:
        detail = live.api.get(f"/runs/{ref['run_id']}").json()
        per_query = Counter(a["query_id"] for a in detail["answers"])
        assert len(per_query) == panel and set(per_query.values()) == {1}
        for answer in detail["answers"]:
            world, asked = parse_structured_prompt(
                structured_prompt(profile, answer["query_text"]).user
            )
            truth = simulate_answer(world, asked, detail["model"], seed).truth
            got = (answer["presence"], answer["llm_rank"], answer["link_rank"])
            assert got == (truth.presence, truth.rank, truth.link_rank), answer["query_text"]
            assert answer["sentiment"] == truth.sentiment
            assert answer["cost_usd"] > 0
        assert detail["input_tokens"] > 0 and detail["output_tokens"] > 0
        assert detail["cost_usd"] > 0

    live.wait_for(
        "summary", lambda: live.api.get(f"/audits/{body['audit_id']}/insights").json()["summary"]
    )
    stats = live.sim_stats()
    # No call bought twice: one per question and surface, and one to write the summary.
    assert stats["by_kind"] == {"structured": 2 * panel, "summary": 1}
    assert stats["by_status"] == {"200": 2 * panel + 1}

    for query in (f'AuditId="{body["audit_id"]}"', f'PropertyId="{prop["id"]}"'):
        rows = live.workflows(query, expect=3)
        names = sorted(r["type"]["name"] for r in rows)
        assert names == ["PropertyAudit", "SurfaceRun", "SurfaceRun"]
    done = live.workflows(f'AuditId="{body["audit_id"]}" AND AuditStatus="completed"', 3)
    assert len(done) == 3


def test_surface_answering_401_fails_fast_and_batch_is_partial(live: Live) -> None:
    prop = live.new_property(name="Cielo Heights")
    live.sim_config(auth_fail=["claude"])
    try:
        started = time.monotonic()
        body = live.api.post("/audits", json={"property_id": prop["id"]}).json()
        state = live.wait_audit(body["audit_id"])
        elapsed = time.monotonic() - started
    finally:
        live.sim_config(auth_fail=[])
    runs = {r["surface"]: r for r in state["runs"]}
    assert state["status"] == "partial"
    assert runs["openai"]["status"] == "completed"
    assert runs["claude"]["status"] == "failed"
    assert "401" in runs["claude"]["error_message"] and "claude" in runs["claude"]["error_message"]
    assert elapsed < 30
    insights = live.api.get(f"/audits/{body['audit_id']}/insights").json()
    assert insights["batchStatus"] == {
        **insights["batchStatus"],
        "complete": False,
        "status": "partial",
    }
    claude_calls = live.sim_stats()["by_surface_status"].get("claude:401", 0)
    # The surface stops after its first 401s: at most one round of in-flight calls.
    assert 1 <= claude_calls <= 4


def test_injected_429_and_5xx_are_retried_to_completion(live: Live) -> None:
    prop = live.new_property(name="Juniper Commons")
    live.sim.post("/_sim/stats/reset")
    live.sim_config(rate_limit_rate=0.2, error_rate=0.2, retry_after_s=0.2)
    try:
        body = live.api.post("/audits", json={"property_id": prop["id"]}).json()
        state = live.wait_audit(body["audit_id"], timeout=240)
    finally:
        live.sim_config(rate_limit_rate=0.0, error_rate=0.0)
    assert state["status"] == "completed", state
    panel = prop["panel"]["total"]
    for run in state["runs"]:
        assert (run["done"], run["errors"]) == (panel, 0)
        detail = live.api.get(f"/runs/{run['run_id']}").json()
        assert len(detail["answers"]) == panel
        assert all(a["status"] == "ok" for a in detail["answers"])
    stats = live.sim_stats()["by_status"]
    assert stats.get("429", 0) > 0
    assert sum(stats.get(code, 0) for code in ("500", "503", "529")) > 0
    # Every successful answer was bought exactly once.
    assert live.sim_stats()["by_kind"]["structured"] == 2 * panel
