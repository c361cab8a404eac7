"""Paging: every list that can grow takes `limit` and `offset` and says how many rows it has."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

Limit = Annotated[int, Query(ge=1, le=200, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="rows to skip")]
TOTAL_HEADER = "X-Total-Count"


def total_header(response: Response, total: int | None) -> None:
    """How many rows the list has in all, beside the page the body holds."""
    response.headers[TOTAL_HEADER] = str(total or 0)
