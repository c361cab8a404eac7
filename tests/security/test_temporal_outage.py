"""Temporal down, then back, with the real processes: 503 while it is away and nothing left
queued; an audit a crash left queued is started by the reconciler once Temporal answers; a
property is deleted under a running audit only when forced, after the audit closed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import make_engine
from tests.stack import RunningStack, running_stack

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    tmp: Path = tmp_path_factory.mktemp("outage")
    with running_stack(
        f"sqlite+aiosqlite:///{tmp / 'outage.db'}",
        tmp,
        temporal_db=True,
        LLMSIM_LATENCY_MS="40",
        RECONCILE_EVERY_S="1",
        RECONCILE_AFTER_S="2",
    ) as running:
        yield running


def test_temporal_down_is_503_and_nothing_waits_in_queued(stack: RunningStack) -> None:
    api = stack.api
    pid = stack.new_property(name="Outage Oaks")["id"]
    stack.stack.stop_process("temporal")
    try:
        refused = api.post("/audits", json={"property_id": pid})
        assert refused.status_code == 503, refused.text
        assert "Temporal is unavailable" in refused.json()["detail"]
        assert api.get("/audits", params={"property_id": pid}).json() == []
        schedule = api.put(f"/properties/{pid}/schedule", json={"interval_minutes": 60})
        assert schedule.status_code == 503
        ready = api.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["temporal"] != "ok"
    finally:
        stack.stack.start_temporal()
    stack.wait_for(
        "the API reaches Temporal again", lambda: api.get("/readyz").status_code == 200, 60
    )
    started = api.post("/audits", json={"property_id": pid})
    assert started.status_code == 202
    final = stack.wait_audit(started.json()["audit_id"])
    assert final["status"] == "completed"
    assert final["runs"] and all(r["status"] == "completed" for r in final["runs"])


def test_an_audit_left_queued_is_started_once_temporal_answers(stack: RunningStack) -> None:
    """As if the API died between storing the audit and starting its workflow."""
    api = stack.api
    pid = stack.new_property(name="Orphan Oaks")["id"]
    paused = api.post("/audits", json={"property_id": pid, "paused": True}).json()
    # A copy of its rows under a new id, with no workflow: what a crash leaves behind.
    orphan = uuid.uuid4()
    copy_audit(stack, paused["audit_id"], orphan)
    state = stack.wait_for(
        "the reconciler starts it",
        lambda: (s := api.get(f"/audits/{orphan}").json())["status"] != "queued" and s,
        60,
    )
    assert state["status"] in ("running", "completed")
    done = stack.wait_audit(str(orphan))
    assert done["status"] == "completed"
    assert all(r["done"] == r["total"] for r in done["runs"])
    api.post(f"/audits/{paused['audit_id']}/cancel")


def copy_audit(stack: RunningStack, source: str, new_id: uuid.UUID) -> None:
    import asyncio

    async def run() -> None:
        engine = make_engine(stack.stack.settings.database_url)
        src = source.replace("-", "")
        dst = new_id.hex
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO audits (id, property_id, status, surfaces, mode, web_search, "
                    "samples_per_query, batch_size, query_count, workflow_id, max_cost_usd, "
                    "scoring_version, created_at) SELECT :dst, property_id, 'queued', surfaces, "
                    "mode, web_search, samples_per_query, batch_size, query_count, :wf, "
                    "max_cost_usd, scoring_version, datetime('now', '-1 minute') "
                    "FROM audits WHERE id = :src"
                ),
                {"dst": dst, "src": src, "wf": f"audit-{new_id}"},
            )
            runs = (
                await conn.execute(
                    text("SELECT surface FROM runs WHERE batch_id = :src"), {"src": src}
                )
            ).all()
            for (surface,) in runs:
                await conn.execute(
                    text(
                        "INSERT INTO runs (id, batch_id, property_id, surface, model_name, status, "
                        "workflow_id, batch_size, query_count, total_asks, answers_done, "
                        "errors_count, progress_pct, current_query_index, current_query, "
                        "uses_web_search, mode, input_tokens, output_tokens, cost_usd, "
                        "wasted_cost_usd, web_searches, created_at, last_updated_at) "
                        "SELECT :id, :dst, property_id, surface, model_name, 'queued', :wf, "
                        "batch_size, query_count, total_asks, 0, 0, 0, 0, '', uses_web_search, "
                        "mode, 0, 0, 0, 0, 0, created_at, last_updated_at FROM runs "
                        "WHERE batch_id = :src AND surface = :surface"
                    ),
                    {
                        "id": uuid.uuid4().hex,
                        "dst": dst,
                        "src": src,
                        "surface": surface,
                        "wf": f"audit-{new_id}-{surface}",
                    },
                )
        await engine.dispose()

    asyncio.run(run())


def test_a_property_goes_under_a_running_audit_only_when_forced(stack: RunningStack) -> None:
    api = stack.api
    pid = stack.new_property(name="Doomed Dunes")["id"]
    audit = api.post("/audits", json={"property_id": pid, "paused": True}).json()
    stack.wait_for("paused", lambda: api.get(f"/audits/{audit['audit_id']}").json()["paused"])
    blocked = api.delete(f"/properties/{pid}")
    assert blocked.status_code == 409 and audit["audit_id"] in blocked.json()["detail"]
    gone = api.delete(f"/properties/{pid}", params={"force": "true"}, timeout=90)
    assert gone.status_code == 204, gone.text
    assert api.get(f"/properties/{pid}").status_code == 404
    assert api.get(f"/audits/{audit['audit_id']}").status_code == 404
