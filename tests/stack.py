"""The real parts as separate processes (dev server, simulator, worker, API), and the calls
every test of them needs: one helper for the integration, reliability and security suites."""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from cli.example import EXAMPLE_PROPERTY
from cli.stack import Stack, side_by_side_env, temporal_cli

FINAL = ("completed", "partial", "failed", "cancelled")


@dataclass
class RunningStack:
    stack: Stack
    api: httpx.Client
    sim: httpx.Client
    backend: str = "sqlite"
    audits: list[str] = field(default_factory=list)

    # -- the simulator -----------------------------------------------------------------------
    def sim_config(self, **knobs: Any) -> None:
        self.sim.post("/_sim/config", json=knobs).raise_for_status()

    def sim_stats(self) -> dict[str, Any]:
        return dict(self.sim.get("/_sim/stats").raise_for_status().json())

    def fresh_sim_stats(self, quiet_s: float = 1.0, timeout: float = 30) -> None:
        """Reset the simulator's counters once no call has come for `quiet_s`: what an earlier
        test's audit still sends (a summary, a last retry) is not counted as this test's."""
        deadline = time.monotonic() + timeout
        last = self.sim_stats()["requests"]
        while time.monotonic() < deadline:
            time.sleep(quiet_s)
            now = self.sim_stats()["requests"]
            if now == last:
                break
            last = now
        self.sim.post("/_sim/stats/reset").raise_for_status()

    # -- Temporal ----------------------------------------------------------------------------
    def temporal(self, *args: str) -> str:
        """Run the `temporal` CLI against this stack's server; returns its stdout."""
        done = subprocess.run(
            [temporal_cli(), *args, "--address", self.stack.settings.temporal_address],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def workflows(self, query: str, expect: int, timeout: float = 15) -> list[dict[str, Any]]:
        """`temporal workflow list --query …`, polled: visibility lags a little."""
        deadline = time.monotonic() + timeout
        rows: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            out = self.temporal("workflow", "list", "--query", query, "-o", "json")
            rows = json.loads(out) if out.strip() else []
            if len(rows) >= expect:
                break
            time.sleep(0.5)
        return rows

    # -- the API -----------------------------------------------------------------------------
    def get(self, path: str, **kwargs: Any) -> Any:
        """GET that rides out a moment of unavailability (503, connection refused)."""
        deadline = time.monotonic() + 60
        while True:
            try:
                response = self.api.get(path, **kwargs)
                if response.status_code != 503:
                    response.raise_for_status()
                    return response.json()
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"GET {path} kept failing")
            time.sleep(0.5)

    def wait_for(self, what: str, check: Any, timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.1)
        raise TimeoutError(what)

    def new_property(self, **overrides: Any) -> dict[str, Any]:
        """The example property (with overrides) and its generated panel."""
        prop = self.api.post("/properties", json={**EXAMPLE_PROPERTY, **overrides})
        assert prop.status_code == 201, prop.text
        panel = self.api.post(f"/properties/{prop.json()['id']}/queries/generate")
        assert panel.status_code == 201, panel.text
        return {**prop.json(), "panel": panel.json()}

    def start_audits(self, count: int, **body: Any) -> dict[str, Any]:
        prop = self.new_property(**body.pop("profile", {}))
        for _ in range(count):
            started = self.api.post("/audits", json={"property_id": prop["id"], **body})
            assert started.status_code == 202, started.text
            self.audits.append(started.json()["audit_id"])
        return {"property_id": prop["id"], "panel": prop["panel"]["total"]}

    def _settle(self, audit_id: str, timeout: float = 15) -> None:
        """After the batch closes, the workflow still writes its summary (one LLM call): wait
        for it, so that call never lands in the next test's counts."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            insights = self.api.get(f"/audits/{audit_id}/insights").json()
            if insights.get("summary") is not None:
                return
            time.sleep(0.2)

    def wait_audit(self, audit_id: str, timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            state = self.get(f"/audits/{audit_id}")
            if state["status"] in FINAL:
                self._settle(audit_id)
                return state
            time.sleep(0.25)
        raise TimeoutError(f"audit {audit_id} still {state.get('status')} after {timeout}s")

    def wait_all(self, timeout: float = 240) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        states: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            states = [self.get(f"/audits/{a}") for a in self.audits]
            if all(s["status"] in FINAL for s in states):
                return states
            time.sleep(0.5)
        raise TimeoutError(f"audits still open: {[s['status'] for s in states]}")

    def answered(self) -> int:
        return sum(sum(r["done"] for r in self.get(f"/audits/{a}")["runs"]) for a in self.audits)

    def stored_answers(self) -> tuple[int, int]:
        """(answers stored, errors stored); asserts one row per (run, query, sample)."""
        answers = errors = 0
        for audit_id in self.audits:
            for run in self.get(f"/audits/{audit_id}")["runs"]:
                detail = self.get(f"/runs/{run['run_id']}", params={"answers_limit": 1000})
                keys = Counter((a["query_id"], a["sample"]) for a in detail["answers"])
                assert all(n == 1 for n in keys.values()), "an answer was stored twice"
                answers += sum(1 for a in detail["answers"] if a["status"] == "ok")
                errors += sum(1 for a in detail["answers"] if a["status"] == "error")
        return answers, errors


@contextmanager
def running_stack(
    database_url: str,
    data_dir: Path,
    *,
    temporal_db: bool = False,
    with_simulator: bool | None = None,
    **env: str,
) -> Iterator[RunningStack]:
    """A whole stack on free ports beside any other, every surface on its simulator (unless `env`
    says otherwise; `with_simulator=True` starts the simulator even then)."""
    stack = Stack(
        side_by_side_env(database_url, **env),
        data_dir=data_dir,
        temporal_db=temporal_db,
        with_simulator=with_simulator,
    )
    try:
        stack.start()
        with (
            httpx.Client(base_url=stack.api_url, timeout=30) as api,
            httpx.Client(base_url=stack.settings.llmsim_url, timeout=10) as sim,
        ):
            yield RunningStack(stack=stack, api=api, sim=sim)
    finally:
        stack.stop()
