"""Paging: every list that can grow takes `limit` and `offset` and says how many rows it has."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

Limit = Annotated[int, Query(ge=1, le=200, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="rows to skip")]
TOTAL_HEADER = "X-Total-Count"


def total_header(response: Response, total: int | None) -> None:
    """How many rows the list has in all, beside the page the body holds."""
    response.headers[TOTAL_HEADER] = str(total or 0)


async def paged(
    session: AsyncSession,
    response: Response,
    stmt: Select[Any],
    *,
    order_by: ColumnElement[Any],
    limit: int,
    offset: int,
) -> list[Any]:
    """One page of what `stmt` selects, in `order_by`; how many there are in all goes in the
    X-Total-Count header."""
    total_header(response, await session.scalar(select(func.count()).select_from(stmt.subquery())))
    rows = await session.scalars(stmt.order_by(order_by).limit(limit).offset(offset))
    return list(rows.all())
