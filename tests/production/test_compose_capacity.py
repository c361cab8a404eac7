"""The compose file's capacity, rendered by the real Compose binary and read by the settings each
process would have: per-surface concurrency reaches the planner, a stopped worker outlasts an LLM
call, and every PostgreSQL connection the stack can open fits under max_connections."""

from __future__ import annotations

from typing import Any

import pytest

from config.settings import Settings, settings_from_environ
from config.surfaces import BUILT_IN
from contracts.names import llm_task_queue
from db.engine import make_engine, pool_of
from tests.production.compose import APP, COMPOSE_TEXT, WORKER, Obj, rendered, seconds

# Each of the Temporal server's services (frontend, history, matching, worker) has its own pools,
# one to each of its two databases.
TEMPORAL_SERVICES = 4
# PostgreSQL keeps these for superusers whatever max_connections says (its default).
SUPERUSER_RESERVED = 3
SCALED = {
    "LLM_WORKERS_OPENAI": "3",
    "LLM_WORKERS_CLAUDE": "2",
    "LLM_MAX_CONCURRENCY_OPENAI": "4",
    "LLM_MAX_CONCURRENCY": "6",
    "WORKFLOW_WORKERS": "2",
}


def settings_of(service: Obj) -> Settings:
    """What the service's process reads (its secrets' files aside)."""
    env = {k: str(v) for k, v in service["environment"].items() if not k.endswith("_FILE")}
    return settings_from_environ(env)


def replicas(service: Obj) -> int:
    return int(service.get("deploy", {}).get("replicas", 1))


def llm_service(services: dict[str, Obj], surface: str) -> Obj:
    [found] = [
        s
        for s in services.values()
        if s.get("command") == [WORKER, "--queues", llm_task_queue(surface)]
    ]
    return found


@pytest.mark.parametrize("env", [{}, SCALED], ids=["defaults", "scaled"])
def test_an_audit_is_planned_for_every_replica_of_each_surface(env: dict[str, str]) -> None:
    """The SurfaceRun's in-flight cap (planned by the workflow worker) is what the surface's
    LLM workers run together: replicas x calls per replica, from the same variables."""
    services = rendered(**env)["services"]
    planned = settings_of(services["worker"]).planned_surfaces()
    for surface in BUILT_IN:
        llm = llm_service(services, surface)
        per_worker = settings_of(llm).surface_configs()[surface].max_concurrency
        assert planned[surface].max_concurrency == replicas(llm) * per_worker, surface
    if env:
        assert planned["openai"].max_concurrency == 3 * 4
        assert planned["claude"].max_concurrency == 2 * 6


def test_a_stopped_worker_outlasts_an_llm_call() -> None:
    """stop_grace_period > the worker's graceful shutdown > LLM_TIMEOUT_S: a restart lets every
    call in flight finish (and be recorded) instead of buying it again on another worker."""
    services = rendered()["services"]
    workers = {n: s for n, s in services.items() if (s.get("command") or [""])[0] == WORKER}
    assert len(workers) == 1 + len(BUILT_IN)
    for name, service in workers.items():
        settings = settings_of(service)
        grace = seconds(service["stop_grace_period"])
        assert grace > settings.graceful_shutdown_s > settings.llm_timeout_s, name
    assert services["llm-openai"]["init"] is True  # tini hands SIGTERM to the worker


def connection_budget(services: dict[str, Obj]) -> dict[str, int]:
    """Every connection the stack may hold at once, by who holds it (README, "Connection
    budget")."""
    budget: dict[str, int] = {}
    for name, service in services.items():
        if name in APP and name != "llmsim":  # the simulator has no database
            budget[name] = replicas(service) * pool_of(settings_of(service)).connections
    temporal = services["temporal"]["environment"]
    per_service = int(temporal["SQL_MAX_CONNS"]) + int(temporal["SQL_VIS_MAX_CONNS"])
    budget["temporal"] = TEMPORAL_SERVICES * per_service
    budget["superuser_reserved"] = SUPERUSER_RESERVED
    return budget


def max_connections(services: dict[str, Obj]) -> int:
    command: list[str] = services["postgres"]["command"]
    [value] = [int(a.split("=")[1]) for a in command if a.startswith("max_connections=")]
    return value


@pytest.mark.parametrize(
    "env",
    [{}, SCALED, {"LLM_WORKERS_OPENAI": "8", "POSTGRES_MAX_CONNECTIONS": "300"}],
    ids=["defaults", "scaled", "raised"],
)
def test_the_connection_budget_fits_under_max_connections(env: dict[str, str]) -> None:
    services = rendered(**env)["services"]
    budget = connection_budget(services)
    assert sum(budget.values()) <= max_connections(services), budget


def test_the_budget_follows_the_documented_formula() -> None:
    """(1 + WORKFLOW_WORKERS + Σ LLM_WORKERS_<S> + 1) × (DB_POOL_SIZE + DB_MAX_OVERFLOW)
    + 4 × (TEMPORAL_SQL_MAX_CONNS + TEMPORAL_SQL_VIS_MAX_CONNS) + 3, as the compose file's
    comment says; and one scale-up too many is caught."""
    env = {**SCALED, "DB_POOL_SIZE": "4", "DB_MAX_OVERFLOW": "2", "TEMPORAL_SQL_MAX_CONNS": "6"}
    services = rendered(**env)["services"]
    processes = 1 + 2 + (3 + 2 + 1 + 1) + 1  # api, workers, LLM workers, migrate
    assert sum(connection_budget(services).values()) == processes * 6 + 4 * (6 + 5) + 3
    assert '# README, "Connection budget": (1 + WORKFLOW_WORKERS + Σ LLM_WORKERS_<S> + 1) ×' in (
        COMPOSE_TEXT
    )
    too_many = rendered(LLM_WORKERS_OPENAI="20")["services"]
    assert sum(connection_budget(too_many).values()) > max_connections(too_many)


def test_each_process_opens_the_pool_its_settings_say() -> None:
    """db/engine.py sizes the pool from DB_POOL_SIZE / DB_MAX_OVERFLOW (the budget's terms)."""
    settings = settings_from_environ({"DB_POOL_SIZE": "3", "DB_MAX_OVERFLOW": "2"})
    engine = make_engine("postgresql+asyncpg://u@127.0.0.1:1/db", pool_of(settings))
    pool: Any = engine.sync_engine.pool
    assert (pool.size(), pool._max_overflow) == (3, 2)
    assert pool_of(Settings(_env_file=None)).connections <= 10  # type: ignore[call-arg]
