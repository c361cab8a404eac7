"""A property's query panel: generating it, adding, editing and switching questions on and off.
One place for the API's routes and the dashboard's forms, with the same limits and conflicts."""

from __future__ import annotations

import uuid
from collections import Counter

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas import (
    GenerateResult,
    QueriesActivation,
    QueryCreate,
    QueryList,
    QueryPublic,
    QueryUpdate,
)
from api.schemas.queries import PanelRequest
from config.settings import Settings
from db.models import Property, Query
from db.properties import add_queries, list_queries, plan_panel
from geo.panel import PanelQuery, normalize_query_text


def over_cap(size: int, settings: Settings) -> None:
    """422 when the panel would hold more than MAX_PANEL_SIZE questions."""
    if size > settings.max_panel_size:
        raise HTTPException(
            status_code=422,
            detail=f"a panel holds at most {settings.max_panel_size} questions "
            f"(MAX_PANEL_SIZE); this would make {size}",
        )


async def listed(
    session: AsyncSession,
    property_id: uuid.UUID,
    active_only: bool,
    *,
    persona: str | None = None,
    language: str | None = None,
) -> QueryList:
    """The panel (or the part of it one persona or language asks), with its counts."""
    rows = await list_queries(
        session, property_id, active_only=active_only, persona=persona, language=language
    )
    return QueryList(
        queries=[QueryPublic.model_validate(q) for q in rows],
        total=len(rows),
        by_type=dict(Counter(q.type for q in rows)),
        by_persona=dict(Counter(q.persona for q in rows)),
        by_language=dict(Counter(q.language for q in rows)),
    )


async def generate_for(
    session: AsyncSession, prop: Property, settings: Settings, body: PanelRequest | None = None
) -> GenerateResult:
    """Build the deterministic panel the body asks for (none: the general panel in English);
    running it again adds only what is missing. 422 past MAX_PANEL_SIZE, adding nothing."""
    plan = plan_panel(prop, body.spec() if body else None)
    have = await list_queries(session, prop.id)
    known = {q.text_key for q in have}
    over_cap(
        len(have) + sum(normalize_query_text(q.text) not in known for q in plan.queries), settings
    )
    created, existing = await add_queries(session, prop, plan.queries, generated=True)
    everything = await list_queries(session, prop.id)
    return GenerateResult(
        personas=plan.personas,
        languages=plan.languages,
        generated=len(created),
        already_present=existing,
        total=len(everything),
        queries=[QueryPublic.model_validate(q) for q in everything],
    )


async def set_active(
    session: AsyncSession, property_id: uuid.UUID, body: QueriesActivation
) -> QueryList:
    """Activate or deactivate the questions named, those of one type, or the whole panel;
    404 naming any id that is not a question of the property."""
    rows = await list_queries(session, property_id)
    chosen = rows
    if body.query_ids is not None:
        by_id = {q.id: q for q in rows}
        unknown = [str(i) for i in body.query_ids if i not in by_id]
        if unknown:
            raise HTTPException(
                status_code=404, detail=f"not questions of property {property_id}: {unknown}"
            )
        chosen = [by_id[i] for i in dict.fromkeys(body.query_ids)]
    if body.type is not None:
        chosen = [q for q in chosen if q.type == body.type]
    for q in chosen:
        q.is_active = body.is_active
    await session.flush()
    out = await listed(session, property_id, active_only=False)
    out.updated = len(chosen)
    return out


async def add_query(
    session: AsyncSession, prop: Property, body: QueryCreate, settings: Settings
) -> Query:
    """A new question of the panel; 422 past the cap, 409 when the panel already asks it."""
    over_cap(len(await list_queries(session, prop.id)) + 1, settings)
    try:
        created, _ = await add_queries(
            session,
            prop,
            [
                PanelQuery(
                    text=body.text.strip(),
                    type=body.type,
                    weight=body.weight,
                    persona=body.persona,
                    language=body.language,
                )
            ],
            generated=False,
        )
    except IntegrityError as exc:  # a concurrent insert of the same text
        raise HTTPException(status_code=409, detail="this query already exists") from exc
    if not created:
        raise HTTPException(status_code=409, detail="this query is already in the panel")
    created[0].is_active = body.is_active
    await session.flush()
    await session.refresh(created[0])
    return created[0]


async def edit_query(session: AsyncSession, row: Query, body: QueryUpdate) -> Query:
    """Change what the body sets; 409 when another question of the panel has the new text."""
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
    return row
