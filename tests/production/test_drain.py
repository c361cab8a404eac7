"""A rolling restart of an LLM worker under load, measured: calls that take longer than the old
10-second drain are in flight when the worker gets SIGTERM; it lets every one finish and record
its answer, a new worker takes the rest, and the provider bills each answer once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cli.stack import Stack, side_by_side_env
from tests.stack import RunningStack

pytestmark = pytest.mark.slow
CALL_S = 16.0  # each LLM call: well past the drain the worker used to allow (10 s)
LLM_TIMEOUT_S = 25.0


@pytest.fixture
def loaded(tmp_path: Path) -> Iterator[RunningStack]:
    env = side_by_side_env(
        f"sqlite+aiosqlite:///{tmp_path / 'propertyaudit.db'}",
        EXTRA_SURFACES="[]",
        LLMSIM_LATENCY_MS=str(int(CALL_S * 1000)),
        LLM_TIMEOUT_S=str(LLM_TIMEOUT_S),
        LLM_MAX_CONCURRENCY="64",  # the whole panel in one round
        WORKER_METRICS_PORT="0",
    )
    stack = Stack(env, data_dir=tmp_path, temporal_db=False, with_worker=False)
    try:
        stack.start()
        stack.start_worker("worker", "property-audit")
        stack.start_worker("llm", "llm-openai,llm-claude")
        with (
            httpx.Client(base_url=stack.api_url, timeout=30) as api,
            httpx.Client(base_url=stack.settings.llmsim_url, timeout=10) as sim,
        ):
            yield RunningStack(stack=stack, api=api, sim=sim)
    finally:
        stack.stop()


def test_a_restarted_llm_worker_finishes_its_calls_and_buys_nothing_twice(
    loaded: RunningStack,
) -> None:
    info = loaded.start_audits(1)
    panel = info["panel"]

    def all_in_flight() -> bool:
        peak = loaded.sim_stats()["max_in_flight"]
        return bool(peak.get("openai", 0) == panel and peak.get("claude", 0) == panel)

    loaded.wait_for("every call in flight", all_in_flight, timeout=60)
    # The rolling restart: the new worker first, then SIGTERM to the old one, mid-call.
    loaded.stack.start_worker("llm-new", "llm-openai,llm-claude")
    old = loaded.stack.procs["llm"]
    stopped = time.monotonic()
    loaded.stack.stop_process("llm", timeout=LLM_TIMEOUT_S + 30)
    drained_s = time.monotonic() - stopped
    [state] = loaded.wait_all(timeout=120)
    stats = loaded.sim_stats()
    answers, errors = loaded.stored_answers()
    summaries = stats.get("by_kind", {}).get("summary", 0)
    print(
        f"\nDRAIN panel={panel} call_s={CALL_S} drained_s={drained_s:.1f} exit={old.returncode} "
        f"billed={stats['by_status'].get('200', 0)} answers={answers} summaries={summaries} "
        f"hung_up={stats['answered_after_hang_up']}"
    )
    assert old.returncode == 0  # it stopped by itself, not killed
    assert drained_s < LLM_TIMEOUT_S + 10  # within its graceful shutdown
    assert state["status"] == "completed" and errors == 0
    assert answers == 2 * panel
    # Every call the provider answered was read and kept: none abandoned, none asked again.
    assert stats["answered_after_hang_up"] == 0
    assert stats["by_status"].get("200", 0) == answers + summaries
