"""CSV exports: `?format=csv` on a list streams it, row by row, as a spreadsheet opens it.

The rows are read in a session of their own while the response streams: the request's session
is committed and closed before the response starts (see `api.deps`). Authorisation happens
before, in the route, with the request's session.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

Format = Annotated[
    Literal["json", "csv"],
    Query(description="json (default) or csv: the same rows, streamed as a CSV file"),
]
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# For a route's `responses=`: the CSV variant appears in the OpenAPI schema beside the JSON.
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "the rows"}
}
CsvRows = Callable[[AsyncSession], AsyncIterator[Sequence[object]]]
FLUSH_AT = 64 * 1024
# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): model-written text
# starting with one of these is prefixed with an apostrophe. Numbers are left as they are.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(round(value, 4)) if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = "; ".join(cell(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_response(
    request: Request, filename: str, header: Sequence[str], rows: CsvRows
) -> StreamingResponse:
    """Stream `header` then every row `rows` yields from a session of its own."""
    sessions = request.app.state.sessions

    async def body() -> AsyncIterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        async with sessions() as session:
            async for row in rows(session):
                writer.writerow([cell(v) for v in row])
                if buffer.tell() >= FLUSH_AT:
                    yield buffer.getvalue().encode("utf-8")
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue().encode("utf-8")

    return StreamingResponse(
        body(),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def rows_of(items: Iterable[Sequence[object]]) -> AsyncIterator[Sequence[object]]:
    """Rows already in memory (computed figures rather than a table scan), as CsvRows yield."""
    for item in items:
        yield item
