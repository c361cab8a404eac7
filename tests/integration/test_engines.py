"""Four engines in one audit through the real processes, and the estimate of an audit against
what the same audit then records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from llmsim.answers import simulate_answer
from tests.integration.conftest import Live
from tests.integration.test_analysis import start, world_of

pytestmark = pytest.mark.slow
FOUR = ["openai", "claude", "gemini", "perplexity"]


def test_four_surfaces_with_web_search_score_the_ground_truth(live: Live) -> None:
    prop = live.new_property(name="Four Winds Residences")
    panel = prop["panel"]["total"]
    live.fresh_sim_stats()
    audit = start(live, {"property_id": prop["id"], "surfaces": FOUR, "web_search": True})
    state = live.wait_audit(audit["audit_id"])
    assert state["status"] == "completed", state
    stats = live.sim_stats()
    assert stats["by_api"] == {
        "responses": panel,  # OpenAI's answers with its search tool
        "messages": panel,
        "gemini": panel,
        # Perplexity's answers, and the summary OpenAI (the first surface) writes.
        "chat.completions": panel + 1,
    }
    seed = live.sim.get("/_sim/config").json()["seed"]
    world = world_of(prop)
    print("\nFOUR SURFACES")
    for ref in state["runs"]:
        run = live.api.get(f"/runs/{ref['run_id']}", params={"answers_limit": 1000}).json()
        assert run["uses_web_search"] is True and len(run["answers"]) == panel
        for answer in run["answers"]:
            truth = simulate_answer(
                world, answer["query_text"], run["model"], seed, web_search=True
            ).truth
            got = (answer["presence"], answer["llm_rank"], answer["link_rank"])
            assert got == (truth.presence, truth.rank, truth.link_rank), (
                ref["surface"],
                answer["query_text"],
            )
            assert answer["citations"], (ref["surface"], "web search always cites")
        print(
            f"  {ref['surface']:<11} {run['model']:<18} score {ref['score']:>5.1f} "
            f"visibility {ref['visibility_pct']:>5.1f}% cost ${ref['cost_usd']:.4f}"
        )
    insights = live.api.get(f"/audits/{audit['audit_id']}/insights").json()
    assert {s["surface"] for s in insights["surfaces"]} == set(FOUR)


def _estimate(live: Live, body: dict[str, Any]) -> dict[str, Any]:
    response = live.api.post("/audits", params={"dry_run": "true"}, json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _closed_row(live: Live, audit_id: str) -> dict[str, Any] | None:
    state: dict[str, Any] = live.get(f"/audits/{audit_id}")
    return state if state["finished_at"] else None


def _recorded(live: Live, body: dict[str, Any]) -> tuple[int, float, float]:
    """(LLM calls the simulator answered, total cost recorded, seconds) of one audit."""
    live.fresh_sim_stats()
    audit_id = start(live, body)["audit_id"]
    assert live.wait_audit(audit_id)["status"] == "completed"
    # Closed in the workflow first, then in the database: read its times once stored.
    state = live.wait_for("the close recorded", lambda: _closed_row(live, audit_id))
    took = datetime.fromisoformat(state["finished_at"]) - datetime.fromisoformat(
        state["started_at"]
    )
    calls = live.sim_stats()["by_status"].get("200", 0)
    return calls, state["total_cost_usd"], took.total_seconds()


def test_the_dry_run_estimate_is_within_ten_percent_of_what_the_audit_records(
    live: Live,
) -> None:
    prop = live.new_property(name="Estimate Gardens")
    body = {"property_id": prop["id"], "surfaces": FOUR, "web_search": True, "samples_per_query": 2}
    audits_before = live.api.get("/audits", params={"property_id": prop["id"]}).json()
    cold = _estimate(live, body)
    # A dry run starts nothing and stores nothing.
    assert live.api.get("/audits", params={"property_id": prop["id"]}).json() == audits_before
    calls, cost, _ = _recorded(live, body)
    assert cold["calls"] == calls
    warm = _estimate(live, body)
    assert all("earlier answers" in s["basis"] for s in warm["surfaces"])
    calls_again, cost_again, took = _recorded(live, body)
    assert warm["calls"] == calls_again
    expected = warm["cost_usd"]["expected"]
    assert abs(expected - cost_again) <= 0.10 * cost_again, (expected, cost_again)
    assert warm["cost_usd"]["low"] <= cost_again <= warm["cost_usd"]["high"]
    off_cold = 100 * (cold["cost_usd"]["expected"] - cost) / cost
    off_warm = 100 * (expected - cost_again) / cost_again
    print(
        f"\nDRY RUN calls {warm['calls']} (recorded {calls_again}); cost without history "
        f"${cold['cost_usd']['expected']:.4f} vs ${cost:.4f} recorded ({off_cold:+.1f}%); "
        f"with history ${expected:.4f} vs ${cost_again:.4f} ({off_warm:+.1f}%); "
        f"duration estimated {warm['duration_s']} s, took {took:.1f} s"
    )
