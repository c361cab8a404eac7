"""Fault injection against the real processes: a fresh stack per test, on PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_database
from tests.stack import RunningStack, running_stack

REPORT = Path(__file__).resolve().parents[2] / ".data" / "reliability.json"


class Harness(RunningStack):
    """A stack to break, and the figures of what it lost (README, Reliability)."""

    def report(
        self, fault: str, states: list[dict[str, Any]], panel: int, **extra: Any
    ) -> dict[str, Any]:
        answers, errors = self.stored_answers()
        stats = self.sim_stats()
        billed = stats["by_status"].get("200", 0)
        unusable = stats.get("by_fault", {}).get("malformed", 0)
        # Answers the provider bills although the caller had hung up (a timeout on a slow reply).
        abandoned = stats["answered_after_hang_up"]
        # Summary calls answered and read; one whose caller hung up is among the abandoned.
        kinds, hung_up = stats.get("by_kind", {}), stats.get("hung_up_by_kind", {})
        summaries = kinds.get("summary", 0) - hung_up.get("summary", 0)
        figures = {
            "fault": fault,
            "audits": len(states),
            "completed": sum(s["status"] == "completed" for s in states),
            "statuses": dict(Counter(s["status"] for s in states)),
            "answers_stored": answers,
            "errors_stored": errors,
            "llm_calls_answered_200": billed,
            "malformed_200": unusable,
            "abandoned_after_timeout": abandoned,
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
    try:
        with running_stack(
            url,
            tmp_path,
            temporal_db=True,
            LLMSIM_LATENCY_MS="250",
            LLMSIM_LATENCY_JITTER="0.5",
            LLM_MAX_CONCURRENCY="6",
            LLM_TIMEOUT_S="3",
        ) as running:
            yield Harness(stack=running.stack, api=running.api, sim=running.sim)
    finally:
        for _ in databases:
            pass
