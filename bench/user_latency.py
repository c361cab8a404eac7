"""Latency as a user sees it: `python -m bench.user_latency`.

One audit at a time (the example panel, two surfaces, 1 s per LLM call, concurrency 8), timed
from outside: from `POST /audits` until `GET /audits/{id}` says it is final (the API's view,
polled every POLL_S), and from the audit row's `created_at` to its `finished_at` (the
database's view). The same audit on six stacks: `make up` as it runs (the dev server's state in
a file, one worker process, the application's database in SQLite, workflows in the sandbox);
the same before the stack set SQLite's pragmas on the dev server's file; the same with each audit
planning twice its workers' slots (a freed slot takes the next question from the task queue
instead of waiting for a round trip through the workflow); and as production runs (PostgreSQL,
no sandbox) with the dev server in memory or in a file, one worker or workers by role. Each
audit's histories say where the time went.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from temporalio.client import Client

import cli.stack
from bench.harness import CONCURRENCY, FINAL, Bench, bench_stack
from bench.timeline import audit_timelines, summarize

RUNS = 5
POLL_S = 0.05


@dataclass(frozen=True)
class StackKind:
    label: str
    in_file: bool  # the dev server's state in a SQLite file, as `make up` runs it
    by_role: bool  # workers by role (production) rather than one worker process (`make up`)
    sqlite_defaults: bool = False  # the file without the stack's pragmas: how it was before
    app_sqlite: bool = False  # the application's database in SQLite, as `make up` keeps it
    env: tuple[tuple[str, str], ...] = ()  # more settings for every process


MAKE_UP = (("WORKFLOW_SANDBOX", "true"),)  # `make up` keeps the setting's default


# Each audit plans twice its workers' slots in flight: a freed slot takes the next question
# from the task queue at once instead of waiting for a round trip through the workflow.
QUEUED_NEXT = (("LLM_WORKERS_OPENAI", "2"), ("LLM_WORKERS_CLAUDE", "2"))


STACKS = (
    StackKind("make up", True, False, app_sqlite=True, env=MAKE_UP),
    StackKind("make up, SQLite defaults", True, False, True, app_sqlite=True, env=MAKE_UP),
    StackKind(
        "make up, next question queued", True, False, app_sqlite=True, env=MAKE_UP + QUEUED_NEXT
    ),
    StackKind("production, memory, by role", False, True),
    StackKind("production, memory, one worker", False, False),
    StackKind("production, file, by role", True, True),
)


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def one_audit(bench: Bench, pid: str) -> tuple[float, float, dict[str, Any]]:
    """(API-visible seconds, database seconds, the final state) of one audit."""
    t0 = time.time()
    audit_id = bench.api.post("/audits", json={"property_id": pid}).json()["audit_id"]
    posted = time.time() - t0
    gets = []
    while True:
        asked = time.time()
        state = bench.api.get(f"/audits/{audit_id}").json()
        gets.append(time.time() - asked)
        if state["status"] in FINAL:
            seen = time.time() - t0
            break
        time.sleep(POLL_S)
    # The row's times once it is closed (a poll may have seen the workflow's status first).
    while state.get("finished_at") is None or state.get("source") != "database":
        time.sleep(POLL_S)
        state = bench.api.get(f"/audits/{audit_id}").json()
    state["_t0"] = t0
    state["_client"] = {
        "post_ms": round(1000 * posted, 1),
        "get_ms": round(1000 * statistics.fmean(gets), 1),
        "get_max_ms": round(1000 * max(gets), 1),
        "finished_to_seen_ms": round(1000 * (t0 + seen - _epoch(state["finished_at"])), 1),
    }
    return seen, _epoch(state["finished_at"]) - _epoch(state["created_at"]), state


async def _timeline(bench: Bench, state: dict[str, Any]) -> dict[str, Any]:
    s = bench.stack.settings
    client = await Client.connect(s.temporal_address, namespace=s.temporal_namespace)
    surfaces = [r["surface"] for r in state["runs"]]
    tls = await audit_timelines(client, str(state["audit_id"]), surfaces, state["_t0"])
    client_view: dict[str, Any] = state["_client"]
    return client_view | summarize(tls, CONCURRENCY)


def measure(bench: Bench, label: str) -> dict[str, Any]:
    bench.sim_config(latency_ms=0)
    pid, _ = bench.property("Warm-up Court")
    warm = bench.start(pid, 1)
    bench.wait(pid, warm)
    bench.summary_stored(warm[0])
    bench.sim_config(latency_ms=1000, latency_jitter=0)
    pid, panel = bench.property("Latency Lofts")
    api_walls, db_walls, timelines = [], [], []
    for _ in range(RUNS):
        seen, stored, state = one_audit(bench, pid)
        api_walls.append(seen)
        db_walls.append(stored)
        timelines.append(asyncio.run(_timeline(bench, state)))
        bench.summary_stored(str(state["audit_id"]))  # its 1 s summary must not overlap the next
    critical = math.ceil(panel / CONCURRENCY) * 1.0
    api, db = statistics.median(api_walls), statistics.median(db_walls)
    # The timeline of the median audit by its API-visible time.
    median_run = sorted(range(RUNS), key=lambda i: api_walls[i])[RUNS // 2]
    print(f"{label}: API {api:.2f}s, database {db:.2f}s (critical path {critical:.0f}s)")
    print(f"  timeline: {json.dumps(timelines[median_run])}", flush=True)
    return {
        "api_wall_s": round(api, 2),
        "api_walls_s": [round(w, 2) for w in api_walls],
        "db_wall_s": round(db, 2),
        "api_over_critical_path": round(api / critical, 3),
        "db_over_critical_path": round(db / critical, 3),
        "timeline": timelines[median_run],
    }


def user_latency(stacks: tuple[StackKind, ...] = STACKS) -> dict[str, Any]:
    """Every stack of STACKS, each on its own fresh database and dev server."""
    out: dict[str, Any] = {}
    pragmas: tuple[str, ...] = cli.stack.DEV_SERVER_PRAGMAS
    for kind in stacks:
        cli.stack.DEV_SERVER_PRAGMAS = () if kind.sqlite_defaults else pragmas
        try:
            app = Path(tempfile.mkdtemp(prefix="user-latency-app-")) / "propertyaudit.db"
            with bench_stack(
                "user-latency",
                temporal_db=kind.in_file,
                worker_by_role=kind.by_role,
                database=f"sqlite+aiosqlite:///{app}" if kind.app_sqlite else None,
                **dict(kind.env),
            ) as bench:
                out[kind.label] = measure(bench, kind.label)
        finally:
            cli.stack.DEV_SERVER_PRAGMAS = pragmas
    return out


def main(only: str | None = None) -> int:
    stacks = tuple(s for s in STACKS if only is None or only in s.label)
    results = user_latency(stacks)
    print(f"\n{'stack':<34} {'API s':>7} {'DB s':>7} {'API/critical':>13}")
    for label, r in results.items():
        print(
            f"{label:<34} {r['api_wall_s']:>7} {r['db_wall_s']:>7} "
            f"{r['api_over_critical_path']:>13}"
        )
    return 0


if __name__ == "__main__":
    os._exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
