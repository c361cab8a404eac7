"""Property profiles: create, read, change, delete."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy import select

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.lookups import PropertyDep, property_or_404
from api.paging import Limit, Offset, paged
from api.schemas import PropertyCreate, PropertyPublic, PropertyUpdate
from api.services.deletion import delete_property_everywhere
from api.services.properties import new_property, profile_fields, to_public
from db.models import Property
from db.properties import apply_profile

router = APIRouter(prefix="/properties", tags=["properties"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_property(
    body: PropertyCreate, session: SessionDep, caller: CallerDep, settings: SettingsDep
) -> PropertyPublic:
    """Create a property profile in the caller's organisation (the admin may name one);
    brand domains default to the website's host."""
    return to_public(await new_property(session, caller, body, settings))


@router.get("")
async def list_properties(
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[PropertyPublic]:
    """The caller's properties, newest first; `X-Total-Count` gives how many there are."""
    rows = await paged(
        session,
        response,
        caller.scope(select(Property)),
        order_by=Property.created_at.desc(),
        limit=limit,
        offset=offset,
    )
    return [to_public(p) for p in rows]


@router.get("/{property_id}")
async def read_property(
    prop: PropertyDep, session: SessionDep, caller: CallerDep
) -> PropertyPublic:
    return to_public(await property_or_404(session, prop.id, caller))


@router.patch("/{property_id}")
async def update_property(
    prop: PropertyDep,
    body: PropertyUpdate,
    session: SessionDep,
    settings: SettingsDep,
) -> PropertyPublic:
    apply_profile(prop, profile_fields(body, settings))
    await session.flush()
    await session.refresh(prop)
    return to_public(prop)


@router.delete("/{property_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_property(
    prop: PropertyDep,
    request: Request,
    session: SessionDep,
    temporal: TemporalDep,
    force: bool = Query(
        default=False, description="cancel its running audits, wait for them to close, delete"
    ),
) -> Response:
    """Delete the property, its panel, its audit history and its schedule. A running audit
    blocks it (409 naming the audit) unless `force=true`."""
    await delete_property_everywhere(
        session, request.app.state.sessions, temporal, prop, force=force
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
