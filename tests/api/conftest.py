"""The API in this process (FastAPI's test client) on a SQLite file, with no Temporal behind it:
for every endpoint that only reads and writes the database."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade_head
from tests.factories import Sessions

T = TypeVar("T")


class Api:
    """The test client and a way to put rows in its database."""

    def __init__(self, client: TestClient, url: str) -> None:
        self.client = client
        self.url = url

    def seed(self, make: Any) -> Any:
        """Run `make(sessions)` (an async factory) against the API's database."""

        async def run() -> Any:
            engine = make_engine(self.url)
            try:
                return await make(make_sessionmaker(engine))
            finally:
                await engine.dispose()

        return _in_thread(run())


def _in_thread(coro: Coroutine[Any, Any, T]) -> T:
    # The test's own event loop may be running (session-scoped): seed on a loop of its own.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


KEY = "pa-test-key-0123456789"


@contextmanager
def _serving(url: str, **settings: Any) -> Iterator[TestClient]:
    """The app on a freshly migrated SQLite database, with no Temporal behind it."""
    upgrade_head(url)
    with TestClient(create_app(Settings(database_url=url, temporal_port=1, **settings))) as client:
        yield client


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'api.db'}"
    with _serving(url) as client:
        yield Api(client, url)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The API with PROPERTYAUDIT_API_KEY set to KEY: every call but the health checks needs it."""
    with _serving(f"sqlite+aiosqlite:///{tmp_path / 'keyed.db'}", propertyaudit_api_key=KEY) as c:
        yield c


__all__ = ["KEY", "Api", "Sessions", "api", "client"]
