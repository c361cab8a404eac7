"""Whole audits through the API against a real dev server, simulator, worker and database."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter

import pytest
from temporalio.api.enums.v1 import EventType

from config.temporal import connect_temporal
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


def test_a_lying_model_scores_what_its_answers_show(live: Live) -> None:
    """Positions that claim first place, citation domains that disagree with their URLs, and
    extractions that claim the unnamed brand: stored scores are what a person reads off the
    list and the links."""
    prop = live.new_property(name="Lying Loft Residences")
    live.sim_config(lie_position_rate=1.0, lie_domain_rate=1.0, lie_extraction_rate=0.5)
    try:
        structured = live.api.post("/audits", json={"property_id": prop["id"]}).json()
        natural = live.api.post(
            "/audits", json={"property_id": prop["id"], "mode": "natural", "surfaces": ["claude"]}
        ).json()
        states = [live.wait_audit(a["audit_id"]) for a in (structured, natural)]
    finally:
        live.sim_config(lie_position_rate=0.0, lie_domain_rate=0.0, lie_extraction_rate=0.0)
    assert [s["status"] for s in states] == ["completed", "completed"]
    profile = profile_from(prop)
    seed = live.sim.get("/_sim/config").json()["seed"]
    claimed_other = claimed_domain_other = hallucinations = 0
    for state, natural_mode in ((states[0], False), (states[1], True)):
        for ref in state["runs"]:
            detail = live.api.get(f"/runs/{ref['run_id']}").json()
            for answer in detail["answers"]:
                if natural_mode:
                    world = parse_structured_prompt(structured_prompt(profile, "x").user)[0]
                    truth = simulate_answer(
                        world, answer["query_text"], detail["model"], seed, natural=True
                    ).truth
                else:
                    world, asked = parse_structured_prompt(
                        structured_prompt(profile, answer["query_text"]).user
                    )
                    truth = simulate_answer(world, asked, detail["model"], seed).truth
                got = (answer["presence"], answer["llm_rank"], answer["link_rank"])
                assert got == (truth.presence, truth.rank, truth.link_rank), answer["query_text"]
                assert answer["scoring_version"] == 2
                claimed_other += any(
                    e["claimed_position"] != e["position"] for e in answer["ordered_entities"]
                )
                claimed_domain_other += any(
                    c["claimed_domain"] != c["domain"] for c in answer["citations"]
                )
                hallucinations += "possible_hallucination" in answer["flags"] and not truth.presence
    assert claimed_other > 10 and claimed_domain_other > 10  # the claims were kept, and wrong
    assert hallucinations > 0  # an extraction claiming the unnamed brand is flagged


def test_no_surface_has_more_calls_in_flight_than_its_limit(live: Live) -> None:
    prop = live.new_property(name="Bounded Bay")
    live.sim.post("/_sim/stats/reset")
    live.sim_config(latency_ms=120)
    try:
        body = live.api.post(
            "/audits",
            json={"property_id": prop["id"], "surfaces": ["openai", "claude", "local"]},
        ).json()
        assert live.wait_audit(body["audit_id"])["status"] == "completed"
    finally:
        live.sim_config(latency_ms=20)
    peak = live.sim_stats()["max_in_flight"]
    # LLM_MAX_CONCURRENCY=4 for the defaults, max_concurrency 3 for the extra engine (conftest).
    assert peak["openai"] == 4 and peak["claude"] == 4 and peak["local"] == 3, peak


def test_the_web_ui_tells_the_story_of_the_audit(live: Live) -> None:
    prop = live.new_property(name="Storied Square")
    body = live.api.post("/audits", json={"property_id": prop["id"]}).json()
    live.wait_audit(body["audit_id"])
    panel = prop["panel"]["total"]

    async def read() -> tuple[list[str | None], list[str]]:
        client = await connect_temporal(live.stack.settings)
        parent = await client.get_workflow_handle(body["workflow_id"]).describe()
        child = client.get_workflow_handle(f"{body['workflow_id']}-claude")
        described = await child.describe()
        history = await child.fetch_history()
        summaries = [
            await client.data_converter.decode([e.user_metadata.summary], [str])
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            and e.HasField("user_metadata")
        ]
        return (
            [
                await parent.static_summary(),
                await parent.static_details(),
                await described.static_summary(),
                await described.static_details(),
            ],
            [s[0] for s in summaries],
        )

    (p_summary, p_details, c_summary, c_details), activities = asyncio.run(read())
    assert p_summary == f"Storied Square · openai, claude · {panel} queries"
    assert p_details and "**Property:** Storied Square (San Diego, CA)" in p_details
    assert c_summary and c_summary.startswith("claude (") and f"{panel} queries × 1" in c_summary
    assert c_details and "**Surface:** claude" in c_details
    asks = [a for a in activities if re.match(rf"claude · q\d+/{panel} · ", a)]
    assert len(asks) == panel, activities[:5]
    assert "claude · start run" in activities and any(
        a.startswith("claude · finish run") for a in activities
    )
