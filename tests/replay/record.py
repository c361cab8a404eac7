"""Record the workflow histories the replay test checks new code against.

    .venv/bin/python -m tests.replay.record 2026-11-one-generation

Starts a throwaway stack, runs one audit per scenario, and writes every workflow's history
(each run of a chain that continued as new) to tests/replay/histories/<generation>/.
Record a new generation when a change is meant to alter histories: README, "Changing workflow
code safely".
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client

from cli.stack import Stack, side_by_side_env
from config.temporal import connect_temporal
from contracts.names import schedule_id

HERE = Path(__file__).resolve().parent / "histories"
PROFILE = {
    "name": "Replay Row",
    "address": {"city": "Austin", "state": "TX", "neighborhood": "Mueller"},
    "website_url": "https://www.replayrow.com/",
    "amenities": ["Pool", "Gym"],
}
SCENARIOS = (
    "completed",
    "natural_web_search",
    "paused_resumed",
    "cancelled",
    "failed_surface",
    "budget_paused",
    "continued_as_new",
    "scheduled",
    "rescored",
)


def wait(api: httpx.Client, audit_id: str, until: Callable[[dict[str, Any]], bool]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = api.get(f"/audits/{audit_id}").json()
        if until(state):
            return
        time.sleep(0.2)
    raise TimeoutError(audit_id)


def closed(state: dict[str, Any]) -> bool:
    return state["status"] in ("completed", "partial", "failed", "cancelled")


def answered(n: int) -> Callable[[dict[str, Any]], bool]:
    return lambda s: sum(r["done"] for r in s["runs"]) >= n


class Recorder:
    def __init__(self, api: httpx.Client, sim: httpx.Client, pid: str) -> None:
        self.api, self.sim, self.pid = api, sim, pid
        self.workflows: dict[str, list[str]] = {}  # scenario -> workflow ids

    def start(self, scenario: str, **body: Any) -> str:
        audit = self.api.post("/audits", json={"property_id": self.pid, **body}).json()
        self.workflows[scenario] = [
            audit["workflow_id"],
            *(r["workflow_id"] for r in audit["runs"]),
        ]
        return str(audit["audit_id"])

    def run_all(self) -> None:
        aid = self.start("completed")
        wait(self.api, aid, closed)
        aid = self.start("natural_web_search", mode="natural", web_search=True, samples_per_query=2)
        wait(self.api, aid, closed)
        aid = self.start("paused_resumed")
        wait(self.api, aid, answered(4))
        self.api.post(f"/audits/{aid}/pause")
        wait(self.api, aid, lambda s: s["status"] == "paused")
        self.api.post(f"/audits/{aid}/resume")
        wait(self.api, aid, closed)
        aid = self.start("cancelled")
        wait(self.api, aid, answered(4))
        self.api.post(f"/audits/{aid}/cancel", params={"reason": "replay fixture"})
        wait(self.api, aid, closed)
        self.sim.post("/_sim/config", json={"auth_fail": ["claude"]})
        aid = self.start("failed_surface")
        wait(self.api, aid, closed)
        self.sim.post("/_sim/config", json={"auth_fail": []})
        aid = self.start("budget_paused", max_cost_usd=0.002)
        wait(self.api, aid, lambda s: s["paused"] and s["pause_reason"] == "budget")
        self.api.post(f"/audits/{aid}/resume")
        wait(self.api, aid, closed)
        aid = self.start("continued_as_new", surfaces=["openai"], samples_per_query=3)
        wait(self.api, aid, closed)
        self.record_rescore(aid)

    def record_rescore(self, audit_id: str) -> None:
        started = self.api.post(f"/audits/{audit_id}/rescore", params={"force": "true"}).json()
        deadline = time.monotonic() + 60
        while self.api.get(f"/rescores/{started['workflow_id']}").json()["status"] == "running":
            if time.monotonic() > deadline:
                raise TimeoutError(started["workflow_id"])
            time.sleep(0.2)
        self.workflows["rescored"] = [started["workflow_id"]]

    async def record_schedule(self, client: Client) -> None:
        made = self.api.put(
            f"/properties/{self.pid}/schedule",
            json={"interval_minutes": 600, "surfaces": ["openai"]},
        )
        made.raise_for_status()
        await client.get_schedule_handle(schedule_id(self.pid)).trigger()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            audits = self.api.get("/audits", params={"property_id": self.pid, "limit": 1}).json()
            if audits and audits[0]["workflow_id"].startswith("audit-scheduled-"):
                wait(self.api, audits[0]["audit_id"], closed)
                runs = [r["workflow_id"] for r in audits[0]["runs"]]
                self.workflows["scheduled"] = [audits[0]["workflow_id"], *runs]
                return
            await asyncio.sleep(0.2)
        raise TimeoutError("the scheduled audit")


async def dump(client: Client, out: Path, workflows: dict[str, list[str]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.json"):
        old.unlink()
    for scenario, ids in workflows.items():
        for workflow_id in ids:
            kind = "parent" if workflow_id == ids[0] else workflow_id.rsplit("-", 1)[1]
            chain = [w async for w in client.list_workflows(f'WorkflowId = "{workflow_id}"')]
            for n, execution in enumerate(sorted(chain, key=lambda w: w.start_time)):
                handle = client.get_workflow_handle(workflow_id, run_id=execution.run_id)
                history = await handle.fetch_history()
                suffix = f".{n + 1}" if len(chain) > 1 else ""
                path = out / f"{scenario}.{kind}{suffix}.json"
                path.write_text(history.to_json())
                print(f"wrote {path.name} ({len(history.events)} events)")


def main(generation: str) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="replay-"))
    env = side_by_side_env(
        f"sqlite+aiosqlite:///{tmp / 'replay.db'}",
        LLMSIM_LATENCY_MS="150",
        LLM_MAX_CONCURRENCY="3",
        # Small chunks and history budget: a 20-question panel continues as new.
        SURFACE_CHUNK_SIZE="10",
        SURFACE_HISTORY_BUDGET="80",
        DEFAULT_MAX_COST_USD="1000",
    )
    with (
        Stack(env, data_dir=tmp, temporal_db=False) as stack,
        httpx.Client(base_url=stack.api_url, timeout=30) as api,
        httpx.Client(base_url=stack.settings.llmsim_url) as sim,
    ):
        pid = api.post("/properties", json=PROFILE).json()["id"]
        api.post(f"/properties/{pid}/queries/generate").raise_for_status()
        recorder = Recorder(api, sim, pid)
        recorder.run_all()

        async def finish() -> None:
            client = await connect_temporal(stack.settings)
            await recorder.record_schedule(client)
            await dump(client, HERE / generation, recorder.workflows)

        asyncio.run(finish())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m tests.replay.record <generation>")
    main(sys.argv[1])
