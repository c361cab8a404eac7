"""docker-compose.yml says what the README's Production section promises, with real entry points.
Temporal, capacity and Cloud: test_compose_temporal.py, test_compose_capacity.py,
test_compose_cloud.py."""

from __future__ import annotations

import importlib
import importlib.util
import re
import tomllib

import pytest

from config.settings import Settings
from contracts.names import TASK_QUEUE, llm_task_queue
from tests.production.compose import (
    APP,
    COMPOSE,
    COMPOSE_TEXT,
    ONE_SHOT,
    REQUIRED,
    ROOT,
    SERVICES,
    command,
    compose,
    rendered,
    workers,
)

# The role only: its password comes from a secret's file, never inside the URL.
DB_URL = re.compile(r"^postgresql\+asyncpg://propertyaudit@postgres:5432/propertyaudit$")


def resolved(value: object) -> str:
    """A compose value with `${VAR:-default}` replaced by its default and `${VAR:?…}` by VAR."""
    text = str(value)
    text = re.sub(r"\$\{(\w+):\?[^}]*\}", r"\1", text)
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", text)


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


def test_postgres_is_checked_over_tcp_and_its_volume_kept() -> None:
    pg = SERVICES["postgres"]
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in pg["volumes"])
    assert pg["volumes"][0].split(":")[0] in COMPOSE["volumes"]
    # initdb runs its scripts with the server on the socket only: a check over TCP passes once
    # the roles and databases exist, so `migrate` cannot reach a half-initialised server.
    assert "pg_isready -h 127.0.0.1" in " ".join(pg["healthcheck"]["test"])
    for name, service in SERVICES.items():
        if "postgres" in service.get("depends_on", {}):
            assert service["depends_on"]["postgres"]["condition"] == "service_healthy", name


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
        queues = worker.parse_args(cmd[1:])
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
        assert replicas == f"${{LLM_WORKERS_{config.name.upper()}:-1}}", (service, replicas)


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


def test_commands_are_the_packages_console_scripts() -> None:
    """The image has the installed package, no checkout: workers and migrations run through the
    console scripts pyproject.toml declares."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["propertyaudit-worker"] == "worker:run"
    assert scripts["propertyaudit"] == "cli.main:app"
    assert command("migrate")[:2] == ["propertyaudit", "migrate"]
    from typer.main import get_command

    from cli.main import app

    assert "migrate" in get_command(app).commands  # type: ignore[attr-defined]
    for name in workers():
        assert command(name)[0] in scripts, name


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


def test_everything_that_connects_to_temporal_waits_for_its_setup() -> None:
    """The API and every worker start once the namespace and the search attributes exist (and
    the database is at the newest schema), not merely once the server answers."""
    long_running = APP - ONE_SHOT
    connects = {n for n in long_running if "TEMPORAL_ADDRESS" in SERVICES[n]["environment"]}
    assert connects >= {"api", *workers()}
    for name in connects:
        deps = SERVICES[name]["depends_on"]
        for one_shot in ("migrate", "temporal-setup"):
            condition = deps.get(one_shot, {}).get("condition")
            assert condition == "service_completed_successfully", (name, one_shot)


def test_variables_are_required_or_defaulted() -> None:
    refs = re.findall(r"\$\{(\w+)(:[?-])?[^}]*\}", COMPOSE_TEXT)
    assert refs
    bare = sorted({var for var, op in refs if not op})
    assert bare == [], f"${{VAR}} without :? or :- (silently empty): {bare}"
    for secret in REQUIRED:
        assert {op for var, op in refs if var == secret} == {":?"}, f"{secret} must be required"
        assert re.search(rf"\$\{{{secret}:\?\s*\S", COMPOSE_TEXT), f"{secret}: with a message"


def test_docker_compose_accepts_the_file_without_a_warning() -> None:
    done = compose("--profile", "simulator", "config", "--quiet", env=REQUIRED)
    assert done.returncode == 0, done.stderr
    # The lint: nothing obsolete, unset or ignored (Compose warns on stderr and goes on).
    assert done.stderr == "", done.stderr


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_docker_compose_refuses_to_render_without_a_key_or_password(missing: str) -> None:
    env = {k: v for k, v in REQUIRED.items() if k != missing}
    done = compose("config", "--quiet", env=env)
    assert done.returncode != 0 and missing in done.stderr


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
