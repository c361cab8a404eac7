"""INSERT … ON CONFLICT DO NOTHING on either dialect, returning the new row's id or None."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert


@functools.cache
def _statement(dialect: str, table: Table, conflict: tuple[str, ...]) -> Insert:
    # Built once and given the values as parameters: the compiled SQL comes from the cache
    # instead of a new cache key over every value of every answer.
    builder = pg_insert if dialect == "postgresql" else sqlite_insert
    return builder(table).on_conflict_do_nothing(index_elements=conflict).returning(table.c.id)


async def insert_if_absent(
    session: AsyncSession, table: Table, values: dict[str, Any], conflict: list[str]
) -> uuid.UUID | None:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    result = await session.execute(_statement(dialect, table, tuple(conflict)), values)
    row = result.first()
    return row[0] if row else None
