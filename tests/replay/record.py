"""Record the workflow histories the replay test checks new code against.

    .venv/bin/python -m tests.replay.record v2-answers-stored-on-ask

Starts a throwaway stack, runs one audit per scenario, and writes every workflow's history
to tests/replay/histories/<generation>/. Run it after a change that is meant to alter histories
(and therefore needs `workflow.patched`), once the older generations replay under the patch;
keep the older folders: audits started by older code may still be running somewhere.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from cli.stack import Stack, side_by_side_env
from config.temporal import connect_temporal

HERE = Path(__file__).resolve().parent / "histories"
PROFILE = {
    "name": "Replay Row",
    "address": {"city": "Austin", "state": "TX", "neighborhood": "Mueller"},
    "website_url": "https://www.replayrow.com/",
    "amenities": ["Pool", "Gym"],
}


def wait(api: httpx.Client, audit_id: str, until: Callable[[dict[str, object]], bool]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = api.get(f"/audits/{audit_id}").json()
        if until(state):
            return
        time.sleep(0.2)
    raise TimeoutError(audit_id)


def closed(state: dict[str, object]) -> bool:
    return state["status"] in ("completed", "partial", "failed", "cancelled")


def main(generation: str) -> None:
    out = HERE / generation
    tmp = Path(tempfile.mkdtemp(prefix="replay-"))
    env = side_by_side_env(
        f"sqlite+aiosqlite:///{tmp / 'replay.db'}",
        LLMSIM_LATENCY_MS="150",
        LLM_MAX_CONCURRENCY="3",
    )
    with (
        Stack(env, data_dir=tmp, temporal_db=False) as stack,
        httpx.Client(base_url=stack.api_url, timeout=30) as api,
    ):
        sim = httpx.Client(base_url=stack.settings.llmsim_url)
        pid = api.post("/properties", json=PROFILE).json()["id"]
        api.post(f"/properties/{pid}/queries/generate").raise_for_status()
        scenarios: dict[str, str] = {}

        def start(**body: object) -> str:
            return str(api.post("/audits", json={"property_id": pid, **body}).json()["audit_id"])

        scenarios["completed"] = aid = start()
        wait(api, aid, closed)
        scenarios["natural_web_search"] = aid = start(
            mode="natural", web_search=True, samples_per_query=2
        )
        wait(api, aid, closed)
        scenarios["paused_resumed"] = aid = start()
        wait(api, aid, lambda s: sum(r["done"] for r in s["runs"]) >= 4)  # type: ignore[attr-defined]
        api.post(f"/audits/{aid}/pause")
        wait(api, aid, lambda s: s["status"] == "paused")
        time.sleep(1)
        api.post(f"/audits/{aid}/resume")
        wait(api, aid, closed)
        scenarios["cancelled"] = aid = start()
        wait(api, aid, lambda s: sum(r["done"] for r in s["runs"]) >= 4)  # type: ignore[attr-defined]
        api.post(f"/audits/{aid}/cancel", params={"reason": "replay fixture"})
        wait(api, aid, closed)
        sim.post("/_sim/config", json={"auth_fail": ["claude"]})
        scenarios["failed_surface"] = aid = start()
        wait(api, aid, closed)
        sim.post("/_sim/config", json={"auth_fail": []})

        async def dump() -> None:
            client = await connect_temporal(stack.settings)
            out.mkdir(parents=True, exist_ok=True)
            for old in out.glob("*.json"):
                old.unlink()
            for name, audit_id in scenarios.items():
                ids = [f"audit-{audit_id}"] + [
                    f"audit-{audit_id}-{s}" for s in ("openai", "claude")
                ]
                for workflow_id in ids:
                    history = await client.get_workflow_handle(workflow_id).fetch_history()
                    kind = (
                        "parent" if workflow_id.count("-") == 5 else workflow_id.rsplit("-", 1)[1]
                    )
                    path = out / f"{name}.{kind}.json"
                    path.write_text(history.to_json())
                    print(f"wrote {path.name} ({len(history.events)} events)")

        asyncio.run(dump())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m tests.replay.record <generation>")
    main(sys.argv[1])
