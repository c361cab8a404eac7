"""The real parts as separate processes: dev server, simulator, worker, API (one stack per DB)."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli.example import EXAMPLE_PROPERTY
from cli.stack import Stack, side_by_side_env, temporal_cli
from tests.conftest import make_database

FINAL = ("completed", "partial", "failed", "cancelled")


@dataclass
class Live:
    stack: Stack
    api: httpx.Client
    sim: httpx.Client
    backend: str

    def sim_config(self, **knobs: Any) -> None:
        self.sim.post("/_sim/config", json=knobs).raise_for_status()

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

    def wait_for(self, what: str, check: Any, timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.1)
        raise TimeoutError(what)

    def sim_stats(self) -> dict[str, Any]:
        return dict(self.sim.get("/_sim/stats").raise_for_status().json())

    def new_property(self, **overrides: Any) -> dict[str, Any]:
        body = {**EXAMPLE_PROPERTY, **overrides}
        prop = self.api.post("/properties", json=body)
        assert prop.status_code == 201, prop.text
        panel = self.api.post(f"/properties/{prop.json()['id']}/queries/generate")
        assert panel.status_code == 201, panel.text
        return {**prop.json(), "panel": panel.json()}

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
        while time.monotonic() < deadline:
            state = self.api.get(f"/audits/{audit_id}").raise_for_status().json()
            if state["status"] in FINAL:
                self._settle(audit_id)
                return dict(state)
            time.sleep(0.25)
        raise TimeoutError(f"audit {audit_id} still {state['status']} after {timeout}s")


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def live(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_available: bool,
) -> Iterator[Live]:
    tmp: Path = tmp_path_factory.mktemp(f"stack-{request.param}")
    databases = make_database(request.param, tmp, postgres_available)
    url = next(databases)
    env = side_by_side_env(
        url,
        LLMSIM_LATENCY_MS="20",
        LLM_MAX_CONCURRENCY="4",
        # The tests' own webhook listener is on loopback: let alerts reach it on purpose.
        WEBHOOK_ALLOW="127.0.0.1/32",
        MAX_PANEL_SIZE="1000",  # the long-run test asks 450 questions
        # An OpenAI-compatible engine beside the two defaults (simulated: no key is set).
        EXTRA_SURFACES='[{"name": "perplexity", "base_url": "https://api.perplexity.ai", '
        '"model": "sonar-pro", "key_env": "PERPLEXITY_API_KEY_UNSET", "max_concurrency": 3}]',
    )
    stack = Stack(env, data_dir=tmp, temporal_db=False)
    try:
        stack.start()
        with (
            httpx.Client(base_url=stack.api_url, timeout=30) as api,
            httpx.Client(base_url=stack.settings.llmsim_url, timeout=10) as sim,
        ):
            yield Live(stack=stack, api=api, sim=sim, backend=request.param)
    finally:
        stack.stop()
        for _ in databases:  # drop the database
            pass
