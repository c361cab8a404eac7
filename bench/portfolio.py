"""A nightly portfolio at a provider's rate limit: `python -m bench.portfolio`.

PROPERTIES properties (the example panel: 26 questions, two surfaces) all started at once; the
simulator refuses more than RPM requests a minute per model (429, as a provider does) and each
surface's task queue is limited to the same rate (LLM_MAX_RPS_<S>), so the calls should flow at
the limit without being refused. It reports the wall time over the rate-limit floor (the calls
one model had to answer ÷ its allowed rate), how much of the limit was used, the 429s, the peak
memory of every process, the peak PostgreSQL connections, the longest history, and whether
every audit completed.

BENCH_PORTFOLIO_PROPERTIES (default 300: a nightly portfolio, ~12 minutes here),
BENCH_PORTFOLIO_RPM (default 900 per model), BENCH_PORTFOLIO_LATENCY_MS (default 1000, ±50 %).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import asyncpg

from bench.baselines import max_history
from bench.harness import FINAL, Bench, bench_stack, proc_stat
from cli.example import EXAMPLE_PROPERTY

PROPERTIES = int(os.environ.get("BENCH_PORTFOLIO_PROPERTIES", "300"))
RPM = int(os.environ.get("BENCH_PORTFOLIO_RPM", "900"))
LATENCY_MS = int(os.environ.get("BENCH_PORTFOLIO_LATENCY_MS", "1000"))
# Enough calls in flight per surface to keep its rate busy through a 1.5 s answer.
CONCURRENCY = 32
PG = "postgresql://postgres@127.0.0.1:5432"


class Watch:
    """Samples, every half second, how many audits are final and the database's connections."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.final = 0
        self.peak_connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    async def _run(self) -> None:
        conn = await asyncpg.connect(f"{PG}/{self.database}")
        try:
            while not self._stop.is_set():
                # Everyone's connections to the bench's database, this watcher's own excepted.
                used = await conn.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> "
                    "pg_backend_pid()",
                    self.database,
                )
                self.peak_connections = max(self.peak_connections, int(used))
                self.final = int(
                    await conn.fetchval(
                        "SELECT count(*) FROM audits WHERE status = ANY($1::text[])", list(FINAL)
                    )
                )
                await asyncio.sleep(0.5)
        finally:
            await conn.close()


def add_properties(bench: Bench, count: int) -> list[str]:
    """`count` properties, each with the example panel, created in parallel."""

    def one(i: int) -> str:
        prop = bench.api.post("/properties", json={**EXAMPLE_PROPERTY, "name": f"Tower {i}"})
        pid: str = prop.json()["id"]
        bench.api.post(f"/properties/{pid}/queries/generate").raise_for_status()
        return pid

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(count)))


def start_all(bench: Bench, pids: list[str]) -> list[str]:
    def one(pid: str) -> str:
        response = bench.api.post("/audits", json={"property_id": pid})
        response.raise_for_status()
        audit_id: str = response.json()["audit_id"]
        return audit_id

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, pids))


def floor_s(answered: dict[str, int], rpm: int) -> float:
    """The least time the calls could take at the limit: the calls the busiest model answered
    (its questions, and the summaries it wrote) ÷ its rate. Each surface is one model."""
    return max(answered.values(), default=0) / (rpm / 60)


def peaks(bench: Bench) -> dict[str, float]:
    """Each process's peak resident memory (MB) since it started."""
    return {name: round(proc_stat(p.pid)[1], 1) for name, p in bench.stack.procs.items()}


def run_portfolio(properties: int = PROPERTIES, rpm: int = RPM) -> dict[str, Any]:
    with bench_stack(
        "portfolio",
        LLM_MAX_CONCURRENCY=str(CONCURRENCY),
        LLM_MAX_RPS=str(rpm / 60),  # each surface's queue at its model's limit
        RATE_LIMIT_PAID="",  # the API's own limit on paid starts is not what this measures
    ) as bench:
        database = bench.stack.settings.database_url.rsplit("/", 1)[-1]
        bench.sim_config(latency_ms=0, rpm=0)
        pid, _ = bench.property("Warm-up Court")
        bench.wait(pid, bench.start(pid, 1))
        pids = add_properties(bench, properties)
        print(f"portfolio: {properties} properties ready, {rpm} rpm per model", flush=True)
        bench.sim_config(latency_ms=LATENCY_MS, latency_jitter=0.5, rpm=rpm)
        bench.sim.post("/_sim/stats/reset").raise_for_status()
        with Watch(database) as watch:
            started = time.perf_counter()
            audits = start_all(bench, pids)
            posted = time.perf_counter() - started
            while watch.final < len(audits) + 1 and time.perf_counter() - started < 3600:
                time.sleep(0.5)
            wall = time.perf_counter() - started
        stats = bench.sim.get("/_sim/stats").json()
        answered = {
            key.split(":", 1)[0]: count
            for key, count in stats["by_surface_status"].items()
            if key.endswith(":200")
        }
        states = [bench.api.get(f"/audits/{a}").json() for a in audits]
        floor = floor_s(answered, rpm)
        result = {
            "portfolio_properties": properties,
            "portfolio_answers": sum(r["done"] for s in states for r in s["runs"]),
            "portfolio_rpm_per_model": rpm,
            "portfolio_calls_answered": answered,
            "portfolio_posts_s": round(posted, 1),
            "portfolio_wall_s": round(wall, 1),
            "portfolio_floor_s": round(floor, 1),
            "portfolio_wall_over_floor": round(wall / floor, 3) if floor else None,
            "portfolio_rpm_utilisation": round(
                max(answered.values(), default=0) / wall * 60 / rpm, 3
            ),
            "portfolio_429_fraction": round(
                stats["by_status"].get("429", 0) / max(stats["requests"], 1), 4
            ),
            "portfolio_peak_rss_mb": peaks(bench),
            "portfolio_peak_pg_connections": watch.peak_connections,
            "portfolio_max_history_events": asyncio.run(max_history(bench.stack)),
            "portfolio_all_completed": all(s["status"] == "completed" for s in states),
        }
    return result


def main() -> int:
    result = run_portfolio()
    for key, value in result.items():
        print(f"{key:<34} {value}")
    return 0


if __name__ == "__main__":
    os._exit(main())
