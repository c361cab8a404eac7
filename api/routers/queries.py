"""Editing and removing single queries."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from api.auth import CallerDep
from api.deps import SessionDep
from api.lookups import query_or_404
from api.schemas import QueryPublic, QueryUpdate
from api.services.panel import edit_query

router = APIRouter(prefix="/queries", tags=["queries"])


@router.patch("/{query_id}")
async def update_query(
    query_id: uuid.UUID, body: QueryUpdate, session: SessionDep, caller: CallerDep
) -> QueryPublic:
    row = await query_or_404(session, query_id, caller)
    return QueryPublic.model_validate(await edit_query(session, row, body))


@router.delete("/{query_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_query(query_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Response:
    """Remove a query; answers already recorded keep their text and stay."""
    row = await query_or_404(session, query_id, caller)
    await session.delete(row)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
