"""The engines db.engine makes. The workers' pings nothing before a checkout (pre_ping=False): a
connection PostgreSQL dropped fails one use, the pool throws it away, and the next use (the
activity's retry) gets a fresh one. SQLite's file is in WAL mode and syncs at checkpoints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import Pool, make_engine
from tests.conftest import PG_ADMIN_DSN, make_database


@pytest.fixture
def postgres_url(tmp_path: Path, postgres_available: bool) -> Iterator[str]:
    yield from make_database("postgres", tmp_path, postgres_available)


async def terminate(pid: int) -> None:
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        pid: int = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    return pid


async def test_a_dropped_connection_fails_once_then_the_pool_reconnects(postgres_url: str) -> None:
    engine = make_engine(postgres_url, Pool(size=1, overflow=0), pre_ping=False)
    try:
        first = await backend_pid(engine)
        await terminate(first)

        with pytest.raises(DBAPIError) as failed:
            await backend_pid(engine)
        assert failed.value.connection_invalidated
        assert await backend_pid(engine) != first
    finally:
        await engine.dispose()


async def test_the_api_s_engine_pings_and_never_sees_the_dropped_connection(
    postgres_url: str,
) -> None:
    engine = make_engine(postgres_url, Pool(size=1, overflow=0))
    try:
        first = await backend_pid(engine)
        await terminate(first)

        assert await backend_pid(engine) != first
    finally:
        await engine.dispose()


async def test_the_sqlite_file_is_in_wal_mode_and_syncs_at_checkpoints(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'dev.db'}")
    try:
        async with engine.connect() as conn:
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
            synchronous = (await conn.execute(text("PRAGMA synchronous"))).scalar_one()
    finally:
        await engine.dispose()
    assert (mode, synchronous) == ("wal", 1)  # 1: NORMAL
