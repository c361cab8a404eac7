"""INSERT … ON CONFLICT DO NOTHING on either dialect, returning the new row's id or None."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_if_absent(
    session: AsyncSession, table: Table, values: dict[str, Any], conflict: list[str]
) -> uuid.UUID | None:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    builder = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        builder(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=conflict)
        .returning(table.c.id)
    )
    result = await session.execute(stmt)
    row = result.first()
    return row[0] if row else None
