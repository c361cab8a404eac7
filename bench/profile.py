"""Where the throughput case spends its CPU: `python -m bench.profile [audits] [process]`.

Runs the throughput case (audits at once, no LLM latency) on the bench's stack (workers by
role: `worker` runs the workflows, `worker-llm-openai` and `worker-llm-claude` the calls) with
py-spy sampling one process (default `worker`),
then prints CPU seconds per answer for every process of the stack and the worker's hottest
frames (own time and time under our packages). Needs `pip install py-spy`.
"""

from __future__ import annotations

import asyncio
import collections
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from bench.baselines import bare_temporal
from bench.harness import Bench, bench_stack, proc_stat
from db.engine import make_engine
from db.models import Answer

IDLE = ("concurrent/futures/thread.py", "(selectors.py", "(threading.py")
OURS = ("activities/", "workflows/", "db/", "geo/", "surfaces/", "llmsim/")


def system_cpu() -> float:
    """CPU seconds spent by the whole machine (all processes, PostgreSQL included)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    busy = sum(int(f) for i, f in enumerate(fields) if i not in (3, 4))  # idle, iowait
    return busy / os.sysconf("SC_CLK_TCK")


def top_frames(raw: Path, limit: int = 25) -> None:
    """From py-spy's collapsed stacks: own time per frame and inclusive time per our frame."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        frames = stack.split(";")
        if any(idle in frames[-1] for idle in IDLE) or not frames[-1].strip():
            continue  # a thread waiting for work, not spending CPU
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            if any(p in frame for p in OURS) or "temporalio/worker/_" in frame:
                inclusive[frame] += n
    print(f"\nsamples: {total}")
    print("\nown time (top frames):")
    for frame, n in own.most_common(limit):
        print(f"  {100 * n / total:5.1f}%  {frame[:150]}")
    print("\ninclusive time (our code and the SDK's worker):")
    for frame, n in inclusive.most_common(limit):
        print(f"  {100 * n / total:5.1f}%  {frame[:150]}")


def call_latency(url: str) -> str:
    """Mean and p90 of the HTTP call time the asking activities measured (answers table)."""

    async def query() -> str:
        engine = make_engine(url)
        async with engine.connect() as conn:
            rows = sorted((await conn.execute(select(Answer.latency_ms))).scalars())
        await engine.dispose()
        values = [r or 0 for r in rows]
        if not values:
            return "no answers"
        return f"mean {sum(values) / len(values):.0f} ms, p90 {values[int(0.9 * len(values))]} ms"

    return asyncio.run(query())


def main(audits: int, sampled: str) -> int:
    with bench_stack("profile") as bench:
        bench.sim_config(latency_ms=0)
        pid, panel = bench.property("Profile Place")
        bench.wait(pid, bench.start(pid, 1))  # warm every path once
        procs = {name: p.pid for name, p in bench.stack.procs.items()}
        before = {name: proc_stat(p)[0] for name, p in procs.items()}
        machine0 = system_cpu()
        raw = Path(tempfile.mkdtemp(prefix="profile-")) / "worker.txt"
        spy = py_spy(procs[sampled], raw)
        time.sleep(1)
        started = time.perf_counter()
        states = bench.wait(pid, bench.start(pid, audits))
        wall = time.perf_counter() - started
        spy.send_signal(2)
        spy.wait(timeout=60)
        answers = sum(r["done"] for s in states for r in s["runs"])
        print(f"\n{answers} answers in {wall:.1f}s: {answers / wall:.1f} answers/s")
        print("CPU ms per answer by process:")
        for name, p in procs.items():
            used = proc_stat(p)[0] - before[name]
            print(f"  {name:<10} {1000 * used / answers:7.2f}")
        rest = system_cpu() - machine0
        print(f"  {'machine':<10} {1000 * rest / answers:7.2f}  (all processes)")
        url = bench.stack.settings.database_url
        print(f"  LLM call latency in the activity: {call_latency(url)}")
        bare_cpu(bench, procs["temporal"], audits, panel)
        if raw.exists():
            top_frames(raw)
    return 0


def py_spy(pid: int, raw: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--rate",
            "200",
            "--output",
            str(raw),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def bare_cpu(bench: Bench, server_pid: int, audits: int, panel: int) -> None:
    """The same load on bare Temporal: the server's and a do-nothing worker's CPU per answer."""
    server0, own0 = proc_stat(server_pid)[0], time.process_time()
    bare = asyncio.run(bare_temporal(bench.stack, audits, panel))
    asks = audits * 2 * panel
    print(f"\nbare Temporal: {asks / bare:.1f} answers/s; CPU ms per answer:")
    server = proc_stat(server_pid)[0] - server0
    print(f"  {'temporal':<10} {1000 * server / asks:7.2f}")
    print(f"  {'worker':<10} {1000 * (time.process_time() - own0) / asks:7.2f}")


if __name__ == "__main__":
    os._exit(
        main(
            int(sys.argv[1]) if len(sys.argv) > 1 else 50,
            sys.argv[2] if len(sys.argv) > 2 else "worker",
        )
    )
