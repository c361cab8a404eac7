"""Editing and removing single queries."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Response, status
from sqlalchemy import select

from api.auth import CallerDep
from api.deps import SessionDep
from api.lookups import query_or_404
from api.schemas import QueryPublic, QueryUpdate
from db.models import Query
from geo.panel import normalize_query_text

router = APIRouter(prefix="/queries", tags=["queries"])


@router.patch("/{query_id}")
async def update_query(
    query_id: uuid.UUID, body: QueryUpdate, session: SessionDep, caller: CallerDep
) -> QueryPublic:
    row = await query_or_404(session, query_id, caller)
    data = body.model_dump(exclude_unset=True, exclude_none=True)
    if "text" in data:
        key = normalize_query_text(data["text"])
        clash = await session.scalar(
            select(Query.id).where(
                Query.property_id == row.property_id, Query.text_key == key, Query.id != row.id
            )
        )
        if clash is not None:
            raise HTTPException(status_code=409, detail="another query already has this text")
        row.text, row.text_key = data.pop("text").strip(), key
    for field, value in data.items():
        setattr(row, field, value)
    await session.flush()
    await session.refresh(row)
    return QueryPublic.model_validate(row)


@router.delete("/{query_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_query(query_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Response:
    """Remove a query; answers already recorded keep their text and stay."""
    row = await query_or_404(session, query_id, caller)
    await session.delete(row)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
