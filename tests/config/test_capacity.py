"""One source of truth for each surface's capacity: calls per LLM worker, its replicas, and the
in-flight cap the workflow worker plans an audit with; each process's database pool; how long a
stopped worker drains."""

from __future__ import annotations

import pytest

from config.settings import DRAIN_MARGIN_S, settings_from_environ
from db.engine import DEFAULT_POOL, Pool, pool_of

EXTRA = (
    '[{"name": "local", "base_url": "http://h/v1", "model": "m", "max_concurrency": 3, '
    '"workers": 4}]'
)


def test_the_planner_counts_every_replica_of_a_surface() -> None:
    settings = settings_from_environ(
        {
            "LLM_MAX_CONCURRENCY": "6",
            "LLM_MAX_CONCURRENCY_OPENAI": "4",
            "LLM_WORKERS_OPENAI": "3",
            "LLM_WORKERS_GEMINI": "2",
            "EXTRA_SURFACES": EXTRA,
        }
    )
    per_worker = settings.surface_configs()
    planned = settings.planned_surfaces()
    # Each worker runs its own share; the audit may keep all of them busy.
    assert {n: c.max_concurrency for n, c in per_worker.items()} == {
        "openai": 4,
        "claude": 6,
        "gemini": 6,
        "perplexity": 6,
        "local": 3,
    }
    assert {n: c.max_concurrency for n, c in planned.items()} == {
        "openai": 12,
        "claude": 6,
        "gemini": 12,
        "perplexity": 6,
        "local": 12,
    }
    # Nothing else about a surface changes for the planner.
    assert planned["openai"].model_dump(exclude={"max_concurrency"}) == per_worker[
        "openai"
    ].model_dump(exclude={"max_concurrency"})


def test_replicas_are_at_least_one() -> None:
    with pytest.raises(ValueError, match="llm_workers_claude"):
        settings_from_environ({"LLM_WORKERS_CLAUDE": "0"})


def test_each_process_pool_comes_from_the_settings() -> None:
    assert pool_of(settings_from_environ({})) == DEFAULT_POOL  # the API's, until it passes its own
    settings = settings_from_environ({"DB_POOL_SIZE": "7", "DB_MAX_OVERFLOW": "0"})
    assert pool_of(settings) == Pool(7, 0) and pool_of(settings).connections == 7


def test_a_stopped_worker_drains_longer_than_an_llm_call() -> None:
    assert settings_from_environ({}).graceful_shutdown_s == 90 + DRAIN_MARGIN_S
    assert settings_from_environ({"LLM_TIMEOUT_S": "30"}).graceful_shutdown_s == 40
