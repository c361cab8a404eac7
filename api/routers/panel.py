"""A property's query panel: generate it, list it, add to it, switch questions on and off."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep
from api.lookups import property_or_404
from api.schemas import GenerateResult, QueriesActivation, QueryCreate, QueryList, QueryPublic
from api.services.panel import add_query, generate_for, listed, set_active

router = APIRouter(prefix="/properties", tags=["properties"])


@router.post("/{property_id}/queries/generate", status_code=status.HTTP_201_CREATED)
async def generate_property_panel(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep, settings: SettingsDep
) -> GenerateResult:
    """Build the deterministic panel; running it again adds only what is missing."""
    prop = await property_or_404(session, property_id, caller)
    return await generate_for(session, prop, settings)


@router.get("/{property_id}/queries")
async def read_queries(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep, active_only: bool = False
) -> QueryList:
    """The whole panel (at most MAX_PANEL_SIZE questions), with counts per type."""
    await property_or_404(session, property_id, caller)
    return await listed(session, property_id, active_only)


@router.patch("/{property_id}/queries")
async def activate_queries(
    property_id: uuid.UUID, body: QueriesActivation, session: SessionDep, caller: CallerDep
) -> QueryList:
    """Activate or deactivate many questions at once (audits ask only active ones)."""
    await property_or_404(session, property_id, caller)
    return await set_active(session, property_id, body)


@router.post("/{property_id}/queries", status_code=status.HTTP_201_CREATED)
async def create_query(
    property_id: uuid.UUID,
    body: QueryCreate,
    session: SessionDep,
    caller: CallerDep,
    settings: SettingsDep,
) -> QueryPublic:
    prop = await property_or_404(session, property_id, caller)
    return QueryPublic.model_validate(await add_query(session, prop, body, settings))
