"""A property's query panel: generate it, list it, add to it, switch questions on and off."""

from __future__ import annotations

import uuid
from collections import Counter

from fastapi import APIRouter, HTTPException, status
from sqlalchemy.exc import IntegrityError

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep
from api.lookups import property_or_404
from api.schemas import GenerateResult, QueriesActivation, QueryCreate, QueryList, QueryPublic
from db.properties import add_queries, generate_queries, list_queries, profile_of
from geo.panel import PanelQuery, generate_panel, normalize_query_text

router = APIRouter(prefix="/properties", tags=["properties"])


def _over_cap(size: int, settings: SettingsDep) -> None:
    if size > settings.max_panel_size:
        raise HTTPException(
            status_code=422,
            detail=f"a panel holds at most {settings.max_panel_size} questions "
            f"(MAX_PANEL_SIZE); this would make {size}",
        )


async def _listed(session: SessionDep, property_id: uuid.UUID, active_only: bool) -> QueryList:
    rows = await list_queries(session, property_id, active_only=active_only)
    return QueryList(
        queries=[QueryPublic.model_validate(q) for q in rows],
        total=len(rows),
        by_type=dict(Counter(q.type for q in rows)),
    )


@router.post("/{property_id}/queries/generate", status_code=status.HTTP_201_CREATED)
async def generate_property_panel(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep, settings: SettingsDep
) -> GenerateResult:
    """Build the deterministic panel; running it again adds only what is missing."""
    prop = await property_or_404(session, property_id, caller)
    have = await list_queries(session, prop.id)
    known = {q.text_key for q in have}
    wanted = generate_panel(profile_of(prop))
    _over_cap(len(have) + sum(normalize_query_text(q.text) not in known for q in wanted), settings)
    created, existing = await generate_queries(session, prop)
    everything = await list_queries(session, prop.id)
    return GenerateResult(
        generated=len(created),
        already_present=existing,
        total=len(everything),
        queries=[QueryPublic.model_validate(q) for q in everything],
    )


@router.get("/{property_id}/queries")
async def read_queries(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep, active_only: bool = False
) -> QueryList:
    """The whole panel (at most MAX_PANEL_SIZE questions), with counts per type."""
    await property_or_404(session, property_id, caller)
    return await _listed(session, property_id, active_only)


@router.patch("/{property_id}/queries")
async def activate_queries(
    property_id: uuid.UUID, body: QueriesActivation, session: SessionDep, caller: CallerDep
) -> QueryList:
    """Activate or deactivate many questions at once (audits ask only active ones)."""
    await property_or_404(session, property_id, caller)
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
    listed = await _listed(session, property_id, active_only=False)
    listed.updated = len(chosen)
    return listed


@router.post("/{property_id}/queries", status_code=status.HTTP_201_CREATED)
async def create_query(
    property_id: uuid.UUID,
    body: QueryCreate,
    session: SessionDep,
    caller: CallerDep,
    settings: SettingsDep,
) -> QueryPublic:
    prop = await property_or_404(session, property_id, caller)
    _over_cap(len(await list_queries(session, prop.id)) + 1, settings)
    try:
        created, _ = await add_queries(
            session,
            prop,
            [PanelQuery(text=body.text.strip(), type=body.type, weight=body.weight)],
            generated=False,
        )
    except IntegrityError as exc:  # a concurrent insert of the same text
        raise HTTPException(status_code=409, detail="this query already exists") from exc
    if not created:
        raise HTTPException(status_code=409, detail="this query is already in the panel")
    created[0].is_active = body.is_active
    await session.flush()
    await session.refresh(created[0])
    return QueryPublic.model_validate(created[0])
