"""The bench's stack and what it measures with: audits started and awaited through the API,
worker CPU and peak memory from /proc, a throwaway database."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from cli.example import EXAMPLE_PROPERTY
from cli.stack import Stack, side_by_side_env

CONCURRENCY = 8
FINAL = ("completed", "partial", "failed", "cancelled")


def proc_stat(pid: int) -> tuple[float, float]:
    """(CPU seconds, peak RSS in MB) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    peak = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    return cpu, peak


class Bench:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.api = httpx.Client(base_url=stack.api_url, timeout=60)
        self.sim = httpx.Client(base_url=stack.settings.llmsim_url, timeout=10)

    def sim_config(self, **knobs: Any) -> None:
        self.sim.post("/_sim/config", json=knobs).raise_for_status()

    def property(self, name: str, extra_queries: int = 0) -> tuple[str, int]:
        prop = self.api.post("/properties", json={**EXAMPLE_PROPERTY, "name": name}).json()
        panel = self.api.post(f"/properties/{prop['id']}/queries/generate").json()["total"]
        for i in range(extra_queries):
            self.api.post(
                f"/properties/{prop['id']}/queries",
                json={"text": f"Apartment question number {i} for renters", "type": "category"},
            ).raise_for_status()
        return prop["id"], panel + extra_queries

    def start(self, pid: str, count: int) -> list[str]:
        return [
            self.api.post("/audits", json={"property_id": pid}).json()["audit_id"]
            for _ in range(count)
        ]

    def wait(self, pid: str, ids: list[str], timeout: float = 1800) -> list[dict[str, Any]]:
        """Poll the property's audit list (database only): watching must not load the worker
        with progress queries, or the benchmark measures its own polling."""
        deadline = time.monotonic() + timeout
        wanted = set(ids)
        while time.monotonic() < deadline:
            rows = self.api.get("/audits", params={"property_id": pid, "limit": 200}).json()
            done = [r for r in rows if r["audit_id"] in wanted and r["status"] in FINAL]
            if len(done) == len(wanted):
                return done
            time.sleep(0.05 if len(ids) < 5 else 0.5)
        return []

    def summary_stored(self, audit_id: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.api.get(f"/audits/{audit_id}/insights").json().get("summary"):
                return
            time.sleep(0.1)
        raise TimeoutError(f"no summary for audit {audit_id}")

    def workers(self) -> list[int]:
        return [p.pid for name, p in self.stack.procs.items() if name.startswith("worker")]

    def workers_peak_mb(self) -> tuple[float, float]:
        """(largest, summed) peak RSS of the worker processes."""
        peaks = [proc_stat(pid)[1] for pid in self.workers()]
        return max(peaks), sum(peaks)

    def restart_workers(self, **env: str) -> None:
        for name in [n for n in self.stack.procs if n.startswith("worker")]:
            self.stack.stop_process(name)
        self.stack.env.update(env)
        self.stack.start_workers()


def database_url(tmp: Path) -> str:
    """PostgreSQL when it answers (as in production), SQLite otherwise; BENCH_DATABASE_URL wins."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    name = f"bench_{uuid.uuid4().hex[:8]}"
    try:
        import asyncpg

        async def create() -> None:
            conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres", timeout=3)
            await conn.execute(f'CREATE DATABASE "{name}"')
            await conn.close()

        asyncio.run(create())
        return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    except Exception:  # noqa: BLE001 - no PostgreSQL here: the embedded default
        return f"sqlite+aiosqlite:///{tmp / 'bench.db'}"


def drop_database(url: str) -> None:
    """Drop a database this benchmark created (never one named by BENCH_DATABASE_URL)."""
    name = url.rsplit("/", 1)[-1]
    if not url.startswith("postgresql") or not name.startswith("bench_"):
        return
    import asyncpg

    async def drop() -> None:
        conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres", timeout=3)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    asyncio.run(drop())


@contextmanager
def bench_stack(
    prefix: str,
    *,
    temporal_db: bool = False,
    worker_by_role: bool = True,
    database: str | None = None,
    **extra_env: str,
) -> Iterator[Bench]:
    """The stack as production splits it (workflows in one worker, each surface's calls in its
    own), on a throwaway database dropped afterwards. `temporal_db`: the dev server keeps its
    state in a file (as `make up` runs it) instead of in memory; `database`: this database URL
    instead of a fresh one."""
    tmp = Path(tempfile.mkdtemp(prefix=f"{prefix}-"))
    url = database or database_url(tmp)
    # The scale case's panel holds 1,000 questions, beyond the API's default guard; workflows
    # outside the sandbox, as production runs them (WORKFLOW_SANDBOX=true: as `make up` does).
    defaults = {
        "LLM_MAX_CONCURRENCY": str(CONCURRENCY),
        "MAX_PANEL_SIZE": "1000",
        "WORKFLOW_SANDBOX": "false",
    }
    env = side_by_side_env(url, **{**defaults, **extra_env})
    print(f"database: {env['DATABASE_URL'].split(':')[0]}", flush=True)
    try:
        with Stack(
            env, data_dir=tmp, temporal_db=temporal_db, worker_by_role=worker_by_role
        ) as stack:
            yield Bench(stack)
    finally:
        drop_database(env["DATABASE_URL"])
