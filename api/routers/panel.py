"""A property's query panel: generate it, list it, add to it, switch questions on and off."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import SessionDep, SettingsDep
from api.lookups import PropertyDep
from api.schemas import GenerateResult, QueriesActivation, QueryCreate, QueryList, QueryPublic
from api.schemas.queries import PanelRequest, QueryPersona
from api.services.panel import add_query, generate_for, listed, set_active
from geo.panel_spec import Language

router = APIRouter(prefix="/properties", tags=["properties"])


@router.post("/{property_id}/queries/generate", status_code=status.HTTP_201_CREATED)
async def generate_property_panel(
    prop: PropertyDep,
    session: SessionDep,
    settings: SettingsDep,
    body: PanelRequest | None = None,
) -> GenerateResult:
    """Build the deterministic panel; running it again adds only what is missing.

    No body: the general panel in English. A body may ask for personas' questions (`"auto"`:
    the personas the profile's target audience names) and for several languages."""
    return await generate_for(session, prop, settings, body)


@router.get("/{property_id}/queries")
async def read_queries(
    prop: PropertyDep,
    session: SessionDep,
    active_only: bool = False,
    persona: Annotated[
        QueryPersona | None, Query(description='a persona key; "" (empty): any renter\'s')
    ] = None,
    language: Language | None = None,
) -> QueryList:
    """The whole panel (at most MAX_PANEL_SIZE questions), or the questions of one persona or
    language, with counts per type, persona and language."""
    return await listed(session, prop.id, active_only, persona=persona, language=language)


@router.patch("/{property_id}/queries")
async def activate_queries(
    prop: PropertyDep, body: QueriesActivation, session: SessionDep
) -> QueryList:
    """Activate or deactivate many questions at once (audits ask only active ones)."""
    return await set_active(session, prop.id, body)


@router.post("/{property_id}/queries", status_code=status.HTTP_201_CREATED)
async def create_query(
    prop: PropertyDep,
    body: QueryCreate,
    session: SessionDep,
    settings: SettingsDep,
) -> QueryPublic:
    return QueryPublic.model_validate(await add_query(session, prop, body, settings))
