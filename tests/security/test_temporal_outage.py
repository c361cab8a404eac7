"""Temporal down, then back, with the real processes: 503 while it is away and nothing left
queued; an audit a crash left queued is started by the reconciler once Temporal answers; a
property is deleted under a running audit only when forced, after the audit closed."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from cli.example import EXAMPLE_PROPERTY
from cli.stack import Stack, side_by_side_env
from db.engine import make_engine

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp: Path = tmp_path_factory.mktemp("outage")
    env = side_by_side_env(
        f"sqlite+aiosqlite:///{tmp / 'outage.db'}",
        LLMSIM_LATENCY_MS="40",
        RECONCILE_EVERY_S="1",
        RECONCILE_AFTER_S="2",
    )
    with Stack(env, data_dir=tmp, temporal_db=True) as running:
        yield running


def wait(what: str, check: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    raise TimeoutError(what)


def new_property(api: httpx.Client, name: str) -> str:
    pid = str(api.post("/properties", json={**EXAMPLE_PROPERTY, "name": name}).json()["id"])
    api.post(f"/properties/{pid}/queries/generate").raise_for_status()
    return pid


def test_temporal_down_is_503_and_nothing_waits_in_queued(stack: Stack) -> None:
    with httpx.Client(base_url=stack.api_url, timeout=30) as api:
        pid = new_property(api, "Outage Oaks")
        stack.stop_process("temporal")
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
            stack.start_temporal()
        wait("the API reaches Temporal again", lambda: api.get("/readyz").status_code == 200)
        started = api.post("/audits", json={"property_id": pid})
        assert started.status_code == 202
        audit_id = started.json()["audit_id"]
        final = wait(
            "the audit completes",
            lambda: (s := api.get(f"/audits/{audit_id}").json())["status"] == "completed" and s,
        )
        assert final["runs"] and all(r["status"] == "completed" for r in final["runs"])


def test_an_audit_left_queued_is_started_once_temporal_answers(stack: Stack) -> None:
    """As if the API died between storing the audit and starting its workflow."""
    with httpx.Client(base_url=stack.api_url, timeout=30) as api:
        pid = new_property(api, "Orphan Oaks")
        paused = api.post("/audits", json={"property_id": pid, "paused": True}).json()
        # A copy of its rows under a new id, with no workflow: what a crash leaves behind.
        orphan = uuid.uuid4()
        copy_audit(stack, paused["audit_id"], orphan)
        state = wait(
            "the reconciler starts it",
            lambda: (s := api.get(f"/audits/{orphan}").json())["status"] not in ("queued",) and s,
        )
        assert state["status"] in ("running", "completed")
        done = wait(
            "it completes",
            lambda: (s := api.get(f"/audits/{orphan}").json())["status"] == "completed" and s,
        )
        assert all(r["done"] == r["total"] for r in done["runs"])
        api.post(f"/audits/{paused['audit_id']}/cancel")


def copy_audit(stack: Stack, source: str, new_id: uuid.UUID) -> None:
    import asyncio

    async def run() -> None:
        engine = make_engine(stack.settings.database_url)
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


def test_a_property_goes_under_a_running_audit_only_when_forced(stack: Stack) -> None:
    with httpx.Client(base_url=stack.api_url, timeout=90) as api:
        pid = new_property(api, "Doomed Dunes")
        audit = api.post("/audits", json={"property_id": pid, "paused": True}).json()
        wait("paused", lambda: api.get(f"/audits/{audit['audit_id']}").json()["paused"])
        blocked = api.delete(f"/properties/{pid}")
        assert blocked.status_code == 409 and audit["audit_id"] in blocked.json()["detail"]
        gone = api.delete(f"/properties/{pid}", params={"force": "true"})
        assert gone.status_code == 204, gone.text
        assert api.get(f"/properties/{pid}").status_code == 404
        assert api.get(f"/audits/{audit['audit_id']}").status_code == 404
