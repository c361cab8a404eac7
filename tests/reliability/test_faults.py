"""Break the parts mid-audit; every audit still finishes, once, with nothing lost."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.reliability.conftest import Harness

pytestmark = pytest.mark.slow


def test_worker_killed_with_sigkill_three_times(harness: Harness) -> None:
    info = harness.start_audits(5)
    kills = 0
    for threshold in (20, 90, 160):
        harness.wait_for(f"{threshold} answers", lambda t=threshold: harness.answered() >= t)
        harness.stack.stop_process("worker", signal.SIGKILL)
        kills += 1
        time.sleep(1.0)
        harness.stack.start_worker()
    states = harness.wait_all()
    figures = harness.report("worker_kill_9", states, info["panel"], kills=kills)
    assert figures["completed"] == 5
    assert figures["answers_stored"] == 5 * 2 * info["panel"]
    # Only calls in flight at each kill can be bought twice: at most the in-flight window.
    assert 0 <= figures["bought_twice"] <= kills * 2 * 6


def test_temporal_dev_server_restarted_mid_audit(harness: Harness) -> None:
    info = harness.start_audits(5)
    harness.wait_for("answers", lambda: harness.answered() >= 40)
    harness.stack.stop_process("temporal", signal.SIGTERM)
    time.sleep(2.0)
    harness.stack.start_temporal()  # same database file: the histories survive
    states = harness.wait_all()
    figures = harness.report("temporal_restart", states, info["panel"])
    assert figures["completed"] == 5
    assert figures["answers_stored"] == 5 * 2 * info["panel"]
    assert figures["bought_twice"] <= 2 * 6


def _pg(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
        check=True,
        capture_output=True,
        timeout=60,
    )


def test_postgres_down_for_twenty_seconds(harness: Harness) -> None:
    if not os.path.isdir("/etc/postgresql"):
        pytest.skip("needs a local PostgreSQL cluster to stop and start")
    info = harness.start_audits(5)
    harness.wait_for("answers", lambda: harness.answered() >= 40)
    before = harness.stored_answers()[0]
    _pg("stop")
    try:
        time.sleep(20)
    finally:
        _pg("start")
    states = harness.wait_all()
    figures = harness.report(
        "postgres_down_20s", states, info["panel"], answers_before_outage=before
    )
    assert figures["completed"] == 5
    assert figures["answers_stored"] == 5 * 2 * info["panel"] >= before
    assert figures["bought_twice"] == 0  # the answers waited in history, never re-asked


def test_llm_faults_at_thirty_percent(harness: Harness) -> None:
    harness.sim.post(
        "/_sim/config",
        json={
            "rate_limit_rate": 0.1,
            "retry_after_s": 0.5,
            "error_rate": 0.1,
            "malformed_rate": 0.05,
            "slow_rate": 0.05,
            "slow_ms": 6000,
        },
    ).raise_for_status()
    info = harness.start_audits(5)
    states = harness.wait_all(timeout=300)
    stats = harness.sim_stats()
    figures = harness.report(
        "llm_faults_30pct",
        states,
        info["panel"],
        by_status=stats["by_status"],
        by_fault=stats["by_fault"],
    )
    assert figures["completed"] == 5
    assert figures["answers_stored"] == 5 * 2 * info["panel"]
    faults = sum(stats["by_fault"].values())
    assert faults / stats["requests"] >= 0.2
    assert figures["bought_twice"] == 0


def test_a_surface_answering_401(harness: Harness) -> None:
    harness.sim.post("/_sim/config", json={"auth_fail": ["claude"]}).raise_for_status()
    started = time.monotonic()
    info = harness.start_audits(3)
    claude_failed_after = None
    while claude_failed_after is None and time.monotonic() - started < 30:
        runs = [
            r
            for a in harness.audits
            for r in harness.get(f"/audits/{a}")["runs"]
            if r["surface"] == "claude"
        ]
        if all(r["status"] == "failed" for r in runs):
            claude_failed_after = time.monotonic() - started
        time.sleep(0.2)
    states = harness.wait_all()
    figures = harness.report(
        "surface_401",
        states,
        info["panel"],
        claude_failed_after_s=round(claude_failed_after or -1, 2),
    )
    assert claude_failed_after is not None and claude_failed_after < 10
    assert all(s["status"] == "partial" for s in states)
    for state in states:
        by_surface = {r["surface"]: r for r in state["runs"]}
        assert by_surface["openai"]["status"] == "completed"
        assert "401" in by_surface["claude"]["error_message"]
    assert figures["answers_stored"] == 3 * info["panel"]
