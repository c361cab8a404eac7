"""Fault injection against the real processes: a fresh stack per test, on PostgreSQL."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli.example import EXAMPLE_PROPERTY
from cli.stack import Stack, side_by_side_env
from tests.conftest import make_database

FINAL = ("completed", "partial", "failed", "cancelled")
REPORT = Path(__file__).resolve().parents[2] / ".data" / "reliability.json"


@dataclass
class Harness:
    stack: Stack
    api: httpx.Client
    sim: httpx.Client
    audits: list[str] = field(default_factory=list)

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

    def start_audits(self, count: int, **body: Any) -> dict[str, Any]:
        prop = self.api.post("/properties", json={**EXAMPLE_PROPERTY, **body.pop("profile", {})})
        prop.raise_for_status()
        pid = prop.json()["id"]
        panel = self.api.post(f"/properties/{pid}/queries/generate").json()["total"]
        for _ in range(count):
            started = self.api.post("/audits", json={"property_id": pid, **body})
            assert started.status_code == 202, started.text
            self.audits.append(started.json()["audit_id"])
        return {"property_id": pid, "panel": panel}

    def answered(self) -> int:
        return sum(sum(r["done"] for r in self.get(f"/audits/{a}")["runs"]) for a in self.audits)

    def wait_for(self, what: str, check: Any, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.25)
        raise TimeoutError(what)

    def wait_all(self, timeout: float = 240) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        states: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            states = [self.get(f"/audits/{a}") for a in self.audits]
            if all(s["status"] in FINAL for s in states):
                return states
            time.sleep(0.5)
        raise TimeoutError(f"audits still open: {[s['status'] for s in states]}")

    def sim_stats(self) -> dict[str, Any]:
        return dict(self.sim.get("/_sim/stats").json())

    def stored_answers(self, panel: int) -> tuple[int, int]:
        """(answers stored, errors stored); asserts one row per (run, query, sample)."""
        answers = errors = 0
        for audit_id in self.audits:
            for run in self.get(f"/audits/{audit_id}")["runs"]:
                detail = self.get(f"/runs/{run['run_id']}")
                keys = Counter((a["query_id"], a["sample"]) for a in detail["answers"])
                assert all(n == 1 for n in keys.values()), "an answer was stored twice"
                answers += sum(1 for a in detail["answers"] if a["status"] == "ok")
                errors += sum(1 for a in detail["answers"] if a["status"] == "error")
        return answers, errors

    def report(
        self, fault: str, states: list[dict[str, Any]], panel: int, **extra: Any
    ) -> dict[str, Any]:
        answers, errors = self.stored_answers(panel)
        stats = self.sim_stats()
        billed = stats["by_status"].get("200", 0)
        unusable = stats.get("by_fault", {}).get("malformed", 0)
        abandoned = stats.get("by_fault", {}).get("slow", 0)
        summaries = stats.get("by_kind", {}).get("summary", 0)
        figures = {
            "fault": fault,
            "audits": len(states),
            "completed": sum(s["status"] == "completed" for s in states),
            "statuses": dict(Counter(s["status"] for s in states)),
            "answers_stored": answers,
            "errors_stored": errors,
            "llm_calls_answered_200": billed,
            "malformed_200": unusable,
            "abandoned_slow": abandoned,
            "summaries_written": summaries,
            "bought_twice": billed - unusable - abandoned - summaries - answers,
            **extra,
        }
        print(f"\nRELIABILITY {json.dumps(figures)}")
        REPORT.parent.mkdir(exist_ok=True)
        existing = json.loads(REPORT.read_text()) if REPORT.exists() else {}
        existing[fault] = figures
        REPORT.write_text(json.dumps(existing, indent=2))
        return figures


@pytest.fixture
def harness(tmp_path: Path, postgres_available: bool) -> Iterator[Harness]:
    databases = make_database("postgres", tmp_path, postgres_available)
    url = next(databases)
    env = side_by_side_env(
        url,
        LLMSIM_LATENCY_MS="250",
        LLMSIM_LATENCY_JITTER="0.5",
        LLM_MAX_CONCURRENCY="6",
        LLM_TIMEOUT_S="3",
    )
    stack = Stack(env, data_dir=tmp_path, temporal_db=True)
    try:
        stack.start()
        with (
            httpx.Client(base_url=stack.api_url, timeout=30) as api,
            httpx.Client(base_url=stack.settings.llmsim_url, timeout=10) as sim,
        ):
            yield Harness(stack=stack, api=api, sim=sim)
    finally:
        stack.stop()
        for _ in databases:
            pass
