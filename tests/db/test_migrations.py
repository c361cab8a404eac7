"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from db.engine import make_engine
from db.migrate import upgrade_head_async
from db.models import Base


async def test_migrations_match_the_models(database_url: str) -> None:
    await upgrade_head_async(database_url)
    engine = make_engine(database_url)

    def diff(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        return list(compare_metadata(context, Base.metadata))

    try:
        async with engine.connect() as conn:
            changes = await conn.run_sync(diff)
    finally:
        await engine.dispose()
    assert changes == [], changes


async def test_upgrading_a_database_in_use_keeps_every_row(tmp_path: Path) -> None:
    """SQLite rebuilds a table to change a column; its children must survive the rebuild."""
    path = tmp_path / "old.sqlite"
    shutil.copy(Path(__file__).resolve().parents[1] / "fixtures" / "v1-scored.sqlite", path)
    tables = ("properties", "queries", "audits", "runs", "answers", "citations", "scores")

    def counts() -> dict[str, int]:
        with sqlite3.connect(path) as conn:
            return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}

    before = counts()
    assert before["answers"] > 0 and before["citations"] > 0
    await upgrade_head_async(f"sqlite+aiosqlite:///{path}")
    assert counts() == before
