"""The real parts as separate processes, one stack per database for the whole session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_database
from tests.stack import RunningStack, running_stack

Live = RunningStack


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def live(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_available: bool,
) -> Iterator[RunningStack]:
    tmp: Path = tmp_path_factory.mktemp(f"stack-{request.param}")
    databases = make_database(request.param, tmp, postgres_available)
    url = next(databases)
    try:
        with running_stack(
            url,
            tmp,
            LLMSIM_LATENCY_MS="20",
            LLM_MAX_CONCURRENCY="4",
            # The tests' own webhook listener is on loopback: let alerts reach it on purpose.
            WEBHOOK_ALLOW="127.0.0.1/32",
            # An OpenAI-compatible engine beside the built-in four (simulated: no key is set).
            EXTRA_SURFACES='[{"name": "local", "base_url": "http://10.0.0.5:8000/v1", '
            '"model": "llama-3.3-70b", "key_env": "LOCAL_API_KEY_UNSET", "max_concurrency": 3}]',
        ) as running:
            running.backend = request.param
            yield running
    finally:
        for _ in databases:  # drop the database
            pass
