"""Workers split by role, as docker-compose.yml runs them, with JSON logs, against a real stack.

One dev server, simulator and API; no all-queues worker. The workflow worker
(`--queues property-audit`) and the LLM worker (`--queues llm-openai,llm-claude`) are separate
processes, each with a metrics port of its own, exactly like the compose services (which run the
same code as the `propertyaudit-worker` console script).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from cli.ports import free_port
from cli.stack import ROOT, Stack, side_by_side_env
from tests.integration.conftest import Live

pytestmark = pytest.mark.slow

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
WORKER_HEALTHCHECK: list[str] = COMPOSE["services"]["worker"]["healthcheck"]["test"]


def start_worker(stack: Stack, name: str, queues: str) -> int:
    """`python worker.py --queues …` with a metrics port of its own; returns that port."""
    port = free_port()
    stack.env["WORKER_METRICS_PORT"] = str(port)  # read by the process at spawn
    stack.start_worker(name, queues)
    return port


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Live, dict[str, int]]]:
    tmp: Path = tmp_path_factory.mktemp("stack-split")
    env = side_by_side_env(
        f"sqlite+aiosqlite:///{tmp / 'propertyaudit.db'}",
        LLM_MAX_CONCURRENCY="4",
        EXTRA_SURFACES="[]",
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
    )
    stack = Stack(env, data_dir=tmp, temporal_db=False, with_worker=False)
    try:
        stack.start()
        ports = {
            "worker": start_worker(stack, "worker", "property-audit"),
            "llm": start_worker(stack, "llm", "llm-openai,llm-claude"),
        }
        with (
            httpx.Client(base_url=stack.api_url, timeout=30) as api,
            httpx.Client(base_url=stack.settings.llmsim_url, timeout=10) as sim,
        ):
            yield Live(stack=stack, api=api, sim=sim, backend="sqlite"), ports
    finally:
        stack.stop()


def json_lines(path: Path) -> list[dict[str, Any]]:
    """Every non-empty line of a log, parsed; fails on the first line that is not JSON."""
    out = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                pytest.fail(f"{path.name}:{number} is not JSON: {line[:200]}")
    return out


def polling(lines: list[dict[str, Any]]) -> str:
    [message] = [line["message"] for line in lines if line["message"].startswith("worker polling")]
    return str(message)


def run_audit(live: Live) -> tuple[str, dict[str, Any]]:
    prop = live.new_property()
    started = live.api.post("/audits", json={"property_id": prop["id"]})
    assert started.status_code == 202, started.text
    audit_id = started.json()["audit_id"]
    return audit_id, live.wait_audit(audit_id, timeout=60)


def test_split_workers_run_an_audit(split: tuple[Live, dict[str, int]]) -> None:
    live, _ = split
    _, state = run_audit(live)
    assert state["status"] == "completed", state
    assert all(run["errors"] == 0 for run in state["runs"])
    assert polling(json_lines(live.stack.log_path("worker"))) == "worker polling property-audit"
    assert (
        polling(json_lines(live.stack.log_path("llm"))) == "worker polling llm-openai, llm-claude"
    )


def test_worker_logs_are_json_lines_with_the_audit_context(
    split: tuple[Live, dict[str, int]],
) -> None:
    live, _ = split
    live.sim_config(auth_fail=["claude"])  # a 401: warnings from the activity and the workflow
    try:
        audit_id, state = run_audit(live)
    finally:
        live.sim_config(auth_fail=[])
    assert state["status"] == "partial", state
    child = f"audit-{audit_id}-claude"

    llm = [line for line in json_lines(live.stack.log_path("llm")) if line.get("audit_id")]
    worker = [line for line in json_lines(live.stack.log_path("worker")) if line.get("audit_id")]
    for line in llm + worker:
        assert {"ts", "level", "logger", "message", "workflow_id", "run_id"} <= set(line)
    # The failed LLM call, logged by the SDK inside the activity: full activity context, one line.
    failed = [
        line
        for line in llm
        if line["audit_id"] == audit_id and line["logger"] == "temporalio.activity"
    ]
    assert failed, "no activity line for the failed surface"
    line = failed[0]
    assert (line["surface"], line["workflow_id"], line["workflow_type"]) == (
        "claude",
        child,
        "SurfaceRun",
    )
    assert line["task_queue"] == "llm-claude" and line["level"] == "WARNING"
    assert line["activity_type"] and line["activity_id"] and line["attempt"] >= 1
    assert "Traceback" in line.get("exc_info", "") and "401" in json.dumps(line)
    # The SurfaceRun's own workflow.logger line, on the workflow worker.
    [surface_failed] = [
        line
        for line in worker
        if line["workflow_id"] == child and "surface failed" in line["message"]
    ]
    assert (surface_failed["audit_id"], surface_failed["surface"]) == (audit_id, "claude")
    assert surface_failed["workflow_type"] == "SurfaceRun"
    assert "({" not in surface_failed["message"]  # the context is in fields, not on the message
    # The API and the simulator write JSON too (whatever little they log at this level).
    json_lines(live.stack.log_path("api"))
    json_lines(live.stack.log_path("llmsim"))


def test_compose_worker_healthcheck_passes_on_a_polling_worker(
    split: tuple[Live, dict[str, int]],
) -> None:
    """The exact healthcheck docker-compose.yml runs in the worker containers."""
    _, ports = split
    assert WORKER_HEALTHCHECK[0] == "CMD"
    for port in ports.values():
        args = [sys.executable, *WORKER_HEALTHCHECK[2:]]
        args = [a.replace(":9464/", f":{port}/") for a in args]
        done = subprocess.run(args, capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
    # And it fails where nothing serves metrics.
    nothing = [a.replace(":9464/", f":{free_port()}/") for a in WORKER_HEALTHCHECK[2:]]
    assert subprocess.run([sys.executable, *nothing], capture_output=True).returncode != 0


def pollers(address: str, queue: str, kind: TaskQueueType.ValueType) -> set[str]:
    async def describe() -> set[str]:
        client = await Client.connect(address)
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace="default", task_queue=TaskQueue(name=queue), task_queue_type=kind
            )
        )
        return {p.identity for p in response.pollers}

    return asyncio.run(describe())


def test_a_single_queue_worker_polls_only_that_queue(split: tuple[Live, dict[str, int]]) -> None:
    live, _ = split
    start_worker(live.stack, "only-openai", "llm-openai")
    lines = json_lines(live.stack.log_path("only-openai"))
    assert polling(lines) == "worker polling llm-openai"
    pid = live.stack.procs["only-openai"].pid
    address = live.stack.settings.temporal_address
    activity = TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY

    def mine(queue: str, kind: TaskQueueType.ValueType) -> bool:
        return any(identity.startswith(f"{pid}@") for identity in pollers(address, queue, kind))

    deadline = time.monotonic() + 20
    while not mine("llm-openai", activity):
        assert time.monotonic() < deadline, "the worker never polled llm-openai"
        time.sleep(0.5)
    assert not mine("llm-claude", activity)
    assert not mine("property-audit", activity)
    assert not mine("property-audit", TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
    live.stack.stop_process("only-openai")


def test_an_unknown_queue_is_refused_at_once() -> None:
    env = {**os.environ, "EXTRA_SURFACES": "[]", "LOG_FORMAT": "json"}
    done = subprocess.run(
        [sys.executable, "worker.py", "--queues", "property-audit,llm-opena1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert re.search(r"unknown task queue\(s\): llm-opena1", done.stderr)


def worker_alone(tmp_path: Path, queues: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The console script the compose file runs, with no stack at all and no .env."""
    clean = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_API_KEY_FILE"))}
    return subprocess.run(
        [str(Path(sys.executable).parent / "propertyaudit-worker"), "--queues", queues],
        cwd=tmp_path,
        env={**clean, "EXTRA_SURFACES": "[]", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_live_surface_without_a_key_stops_its_worker_at_start(tmp_path: Path) -> None:
    started = time.monotonic()
    done = worker_alone(tmp_path, "llm-openai,llm-claude", LLM_BACKEND="live", OPENAI_API_KEY="k")
    assert done.returncode != 0 and time.monotonic() - started < 30
    assert "surface claude: LLM_BACKEND=live" in done.stderr and "ANTHROPIC_API_KEY" in done.stderr
    assert "surface openai" not in done.stderr  # its key is set


def test_no_key_and_no_simulator_stops_the_worker_naming_the_surface(tmp_path: Path) -> None:
    """`docker compose up` with no keys and without --profile simulator: the LLM workers exit
    (and say why) instead of every question retrying for minutes."""
    nowhere = f"http://127.0.0.1:{free_port()}"
    done = worker_alone(tmp_path, "llm-gemini", LLMSIM_URL=nowhere)
    assert done.returncode != 0
    assert f"surface gemini has neither a key nor a simulator: nothing answers at {nowhere}" in (
        done.stderr
    )
    assert "GEMINI_API_KEY" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("metrics", [False, True], ids=["default-runtime", "metrics-runtime"])
def test_temporal_core_warnings_are_json_too(tmp_path: Path, metrics: bool) -> None:
    """The Rust core logs on its own (here: polls failing once the server is gone); in JSON mode
    those lines go through Python logging as well, with the core's target in the logger name,
    whether the worker runs on the default runtime or on its metrics runtime."""
    env = side_by_side_env(
        f"sqlite+aiosqlite:///{tmp_path / 'propertyaudit.db'}",
        EXTRA_SURFACES="[]",
        LOG_FORMAT="json",
        WORKER_METRICS_PORT=str(free_port()) if metrics else "0",
    )
    # The simulator too: an LLM worker whose surfaces could not be asked would not start.
    stack = Stack(env, data_dir=tmp_path, temporal_db=False, with_api=False)
    with stack:
        stack.stop_process("temporal", signal.SIGKILL)
        log = stack.log_path("worker")
        deadline = time.monotonic() + 30
        while "temporalio.core" not in log.read_text():
            assert time.monotonic() < deadline, "the core never complained"
            time.sleep(0.5)
    core = [line for line in json_lines(log) if line["logger"].startswith("temporalio.core")]
    assert core and core[0]["level"] in ("WARNING", "ERROR")
