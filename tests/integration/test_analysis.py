"""Natural mode with web search, samples, cost and budgets, more surfaces: the whole stack."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from llmsim.answers import simulate_answer
from llmsim.market import World
from tests.integration.conftest import Live

pytestmark = pytest.mark.slow


def start(live: Live, body: dict[str, Any]) -> dict[str, Any]:
    response = live.api.post("/audits", json=body)
    assert response.status_code == 202, response.text
    return dict(response.json())


def world_of(prop: dict[str, Any]) -> World:
    return World(
        name=prop["name"],
        city=prop["address"]["city"],
        state=prop["address"]["state"],
        domains=prop["brand_domains"],
        website=prop["website_url"],
        competitors=[(c["name"], c["domain"]) for c in prop["competitors"]],
    )


def test_natural_audit_with_web_search_on_both_surfaces(live: Live) -> None:
    prop = live.new_property(name="Natural Vista Heights")
    panel = prop["panel"]["total"]
    live.sim.post("/_sim/stats/reset")
    audit = start(live, {"property_id": prop["id"], "mode": "natural", "web_search": True})
    state = live.wait_audit(audit["audit_id"])
    assert state["status"] == "completed", state
    assert (state["mode"], state["web_search"]) == ("natural", True)

    stats = live.sim_stats()
    # Two calls per question in natural mode (the bare question, then the extraction), and one
    # to write the batch's summary.
    assert stats["by_kind"] == {"natural": 2 * panel, "extraction": 2 * panel, "summary": 1}
    assert stats["by_api"] == {
        "responses": panel,
        "chat.completions": panel + 1,
        "messages": 2 * panel,
    }

    seed = live.sim.get("/_sim/config").json()["seed"]
    world = world_of(prop)
    for ref in audit["runs"]:
        run = live.api.get(f"/runs/{ref['run_id']}").json()
        assert run["uses_web_search"] is True and run["mode"] == "natural"
        assert len(run["answers"]) == panel
        cited = 0
        for answer in run["answers"]:
            assert answer["analysis_method"] == "natural_two_phase"
            assert answer["natural_response"] and "**" in answer["natural_response"]
            assert answer["analysis"]["brand_analysis"]["mentioned"] in (True, False)
            cited += len(answer["citations"])
            truth = simulate_answer(
                world, answer["query_text"], run["model"], seed, natural=True, web_search=True
            ).truth
            got = (answer["presence"], answer["llm_rank"], answer["link_rank"])
            assert got == (truth.presence, truth.rank, truth.link_rank), answer["query_text"]
            # Web search always grounds the answer in at least one source.
            assert answer["citations"] and "no_sources" not in answer["flags"]
        assert cited >= panel


def test_a_failed_extraction_never_rebuys_phase_one(live: Live) -> None:
    prop = live.new_property(name="Extraction Retry Row")
    panel = prop["panel"]["total"]
    live.sim.post("/_sim/stats/reset")
    live.sim_config(malformed_rate=0.4)
    try:
        audit = start(live, {"property_id": prop["id"], "mode": "natural", "surfaces": ["openai"]})
        state = live.wait_audit(audit["audit_id"], timeout=240)
    finally:
        live.sim_config(malformed_rate=0.0)
    assert state["status"] == "completed"
    kinds = live.sim_stats()["by_kind"]
    assert kinds["natural"] == panel  # every phase-1 answer bought exactly once
    assert kinds["extraction"] > panel  # malformed extractions were asked again


def test_three_samples_store_three_answers_and_an_interval(live: Live) -> None:
    prop = live.new_property(name="Sampled Summit")
    panel = prop["panel"]["total"]
    audit = start(live, {"property_id": prop["id"], "surfaces": ["claude"], "samples_per_query": 3})
    state = live.wait_audit(audit["audit_id"])
    assert state["status"] == "completed"
    run = state["runs"][0]
    assert (run["done"], run["total"]) == (3 * panel, 3 * panel)
    low, high = run["visibility_ci"]
    assert low <= run["visibility_pct"] <= high and high - low < 40
    detail = live.api.get(f"/runs/{run['run_id']}").json()
    per_query = Counter(a["query_id"] for a in detail["answers"])
    assert set(per_query.values()) == {3} and len(per_query) == panel
    assert sorted({a["sample"] for a in detail["answers"]}) == [0, 1, 2]
    # Samples differ: some question got different answers across its samples.
    by_query: dict[str, set[str]] = {}
    for a in detail["answers"]:
        by_query.setdefault(a["query_id"], set()).add(a["answer_summary"])
    assert any(len(v) > 1 for v in by_query.values())


def test_cost_is_summed_per_answer_run_and_audit(live: Live) -> None:
    prop = live.new_property(name="Costed Commons")
    audit = start(live, {"property_id": prop["id"]})
    state = live.wait_audit(audit["audit_id"])
    total = 0.0
    for run in state["runs"]:
        detail = live.api.get(f"/runs/{run['run_id']}").json()
        answers_cost = sum(a["cost_usd"] for a in detail["answers"])
        assert detail["cost_usd"] == pytest.approx(answers_cost, abs=1e-6)  # rounded to 1e-6
        assert run["cost_usd"] == pytest.approx(answers_cost, abs=1e-6)
        assert sum(a["input_tokens"] for a in detail["answers"]) == detail["input_tokens"]
        total += answers_cost
    assert state["cost_usd"] == pytest.approx(total, abs=1e-5)
    assert state["input_tokens"] > 0 and state["output_tokens"] > 0

    # The written summary is one more paid call, part of no run: the audit counts it apart.
    summary = live.wait_for(
        "the LLM summary",
        lambda: live.api.get(f"/audits/{audit['audit_id']}/insights").json()["summary"],
    )
    usage = summary["usage"]
    assert summary["source"] == "llm" and usage["surface"] in ("openai", "claude")
    assert usage["input_tokens"] > 0 and usage["cost_usd"] > 0
    state = live.api.get(f"/audits/{audit['audit_id']}").json()
    assert state["cost_usd"] == pytest.approx(total, abs=1e-5)
    assert state["summary_cost_usd"] == pytest.approx(usage["cost_usd"], abs=1e-6)
    assert state["total_cost_usd"] == pytest.approx(total + usage["cost_usd"], abs=1e-5)


def test_the_budget_pauses_the_audit_and_resume_goes_on(live: Live) -> None:
    prop = live.new_property(name="Budget Bay")
    panel = prop["panel"]["total"]
    live.sim_config(latency_ms=200)
    try:
        audit = start(live, {"property_id": prop["id"], "max_cost_usd": 0.05})
        aid = audit["audit_id"]
        paused = live.wait_for(
            "budget pause",
            lambda: (s := live.api.get(f"/audits/{aid}").json())["paused"] and s,
            timeout=60,
        )
        assert paused["pause_reason"] == "budget"
        live.wait_for("calls held", lambda: _held(live))
        rows = live.api.get("/audits", params={"property_id": prop["id"]}).json()
        live.wait_for(
            "row says budget",
            lambda: (
                live.api.get("/audits", params={"property_id": prop["id"]}).json()[0][
                    "pause_reason"
                ]
                == "budget"
            ),
        )
        assert rows[0]["cost_usd"] >= 0.05
        assert sum(r["done"] for r in paused["runs"]) < 2 * panel
        assert live.api.post(f"/audits/{aid}/resume").status_code == 202
        final = live.wait_audit(aid)
    finally:
        live.sim_config(latency_ms=20)
    assert final["status"] == "completed"
    assert all(r["done"] == panel for r in final["runs"])


def _held(live: Live) -> bool:
    import time

    before = live.sim_stats()["requests"]
    time.sleep(0.5)
    return bool(live.sim_stats()["requests"] == before)


def test_an_openai_compatible_engine_runs_as_its_own_surface(live: Live) -> None:
    prop = live.new_property(name="Perplexed Place")
    live.sim.post("/_sim/stats/reset")
    audit = start(live, {"property_id": prop["id"], "surfaces": ["local", "openai"]})
    state = live.wait_audit(audit["audit_id"])
    assert state["status"] == "completed"
    runs = {r["surface"]: r for r in state["runs"]}
    assert runs["local"]["model"] == "llama-3.3-70b"
    asked = live.sim_stats()["by_surface"]["local"]
    assert prop["panel"]["total"] <= asked <= prop["panel"]["total"] + 1  # (+ the summary)
    # Not a default surface: an audit that names none runs openai and claude only.
    default = start(live, {"property_id": prop["id"]})
    assert {r["surface"] for r in default["runs"]} == {"openai", "claude"}
    live.wait_audit(default["audit_id"])
    described = live.temporal(
        "task-queue", "describe", "--task-queue", "llm-local", "--task-queue-type", "activity"
    )
    assert "worker.py" in described or "@" in described  # a worker polls the engine's own queue
