"""Engine and session factory for SQLite (aiosqlite) or PostgreSQL (asyncpg)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession


class PoolSettings(Protocol):
    db_pool_size: int
    db_max_overflow: int


@dataclass(frozen=True)
class Pool:
    """A process's PostgreSQL connections: `size` kept open, up to `overflow` more under load.
    Their sum, over every process, is what the README's connection budget adds up."""

    size: int
    overflow: int

    @property
    def connections(self) -> int:
        return self.size + self.overflow


# DB_POOL_SIZE / DB_MAX_OVERFLOW's defaults (config/settings.py).
DEFAULT_POOL = Pool(size=5, overflow=5)


def pool_of(settings: PoolSettings) -> Pool:
    """The pool the settings ask this process for (DB_POOL_SIZE, DB_MAX_OVERFLOW)."""
    return Pool(settings.db_pool_size, settings.db_max_overflow)


def make_engine(url: str, pool: Pool = DEFAULT_POOL, *, pre_ping: bool = True) -> AsyncEngine:
    """`pre_ping=False` for the workers: the ping is a round trip on every checkout, a sixth of
    an answer's; a connection PostgreSQL dropped fails the activity, the pool throws it away and
    Temporal's retry takes a fresh one."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            # The worker and the API write the same file: WAL lets readers and one writer overlap.
            # NORMAL syncs the WAL at checkpoints, not at every commit: answers that arrive
            # together no longer queue behind one fsync each (~0.3 s a round under `make up`);
            # a killed process still loses nothing it committed, only a power cut could.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_async_engine(
        url, pool_size=pool.size, max_overflow=pool.overflow, pool_pre_ping=pre_ping
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
