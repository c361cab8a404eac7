"""Property profiles: create, read, change, delete."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from sqlalchemy import func, select

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.lookups import property_or_404
from api.paging import Limit, Offset, total_header
from api.schemas import AddressOut, PropertyCreate, PropertyPublic, PropertyUpdate
from api.services.deletion import delete_property_everywhere
from config.egress import EgressRefused, check_url
from db.models import Organisation, Property
from db.properties import apply_profile
from geo.domains import infer_brand_domains, normalize_domain

router = APIRouter(prefix="/properties", tags=["properties"])


def to_public(prop: Property) -> PropertyPublic:
    return PropertyPublic(
        id=prop.id,
        org_id=prop.org_id,
        name=prop.name,
        address=AddressOut(
            street=prop.street,
            neighborhood=prop.neighborhood,
            city=prop.city,
            state=prop.state,
            zip=prop.zip,
        ),
        website_url=prop.website_url,
        brand_domains=list(prop.brand_domains or []),
        competitors=list(prop.competitors or []),
        amenities=list(prop.amenities or []),
        unique_selling_points=list(prop.unique_selling_points or []),
        target_audience=prop.target_audience,
        alert_webhook_url=prop.alert_webhook_url,
        alert_score_drop=prop.alert_score_drop,
        alert_visibility_drop=prop.alert_visibility_drop,
        created_at=prop.created_at,
        updated_at=prop.updated_at,
    )


def _fields(body: PropertyCreate | PropertyUpdate, settings: SettingsDep) -> dict[str, object]:
    data = body.model_dump(exclude_unset=True, exclude={"org_id"})
    for url_field in ("website_url", "alert_webhook_url"):
        if url_field in data:
            data[url_field] = str(data[url_field] or "")
    if data.get("alert_webhook_url"):
        try:
            check_url(str(data["alert_webhook_url"]), settings.egress)
        except EgressRefused as exc:
            raise HTTPException(status_code=422, detail=f"alert_webhook_url: {exc}") from exc
    if data.get("brand_domains") is not None:
        data["brand_domains"] = [d for d in map(normalize_domain, data["brand_domains"]) if d]
    if data.get("competitors") is not None:
        data["competitors"] = [
            {"name": c["name"].strip(), "domain": normalize_domain(c.get("domain"))}
            for c in data["competitors"]
        ]
    return {k: v for k, v in data.items() if v is not None or k == "address"}


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_property(
    body: PropertyCreate, session: SessionDep, caller: CallerDep, settings: SettingsDep
) -> PropertyPublic:
    """Create a property profile in the caller's organisation (the admin may name one);
    brand domains default to the website's host."""
    org_id = caller.org_id
    if body.org_id is not None:
        if not caller.admin:
            raise HTTPException(status_code=403, detail="only the admin key places properties")
        if await session.get(Organisation, body.org_id) is None:
            raise HTTPException(status_code=422, detail=f"organisation {body.org_id} not found")
        org_id = body.org_id
    prop = Property(name=body.name.strip(), org_id=org_id)
    apply_profile(prop, _fields(body, settings))
    if not prop.brand_domains:
        prop.brand_domains = infer_brand_domains(prop.website_url, prop.name)
    session.add(prop)
    await session.flush()
    await session.refresh(prop)
    return to_public(prop)


@router.get("")
async def list_properties(
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[PropertyPublic]:
    """The caller's properties, newest first; `X-Total-Count` gives how many there are."""
    stmt = caller.scope(select(Property))
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    total_header(response, total)
    rows = await session.scalars(
        stmt.order_by(Property.created_at.desc()).limit(limit).offset(offset)
    )
    return [to_public(p) for p in rows.all()]


@router.get("/{property_id}")
async def read_property(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> PropertyPublic:
    return to_public(await property_or_404(session, property_id, caller))


@router.patch("/{property_id}")
async def update_property(
    property_id: uuid.UUID,
    body: PropertyUpdate,
    session: SessionDep,
    caller: CallerDep,
    settings: SettingsDep,
) -> PropertyPublic:
    prop = await property_or_404(session, property_id, caller)
    apply_profile(prop, _fields(body, settings))
    await session.flush()
    await session.refresh(prop)
    return to_public(prop)


@router.delete("/{property_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_property(
    property_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    temporal: TemporalDep,
    caller: CallerDep,
    force: bool = Query(
        default=False, description="cancel its running audits, wait for them to close, delete"
    ),
) -> Response:
    """Delete the property, its panel, its audit history and its schedule. A running audit
    blocks it (409 naming the audit) unless `force=true`."""
    prop = await property_or_404(session, property_id, caller)
    await delete_property_everywhere(
        session, request.app.state.sessions, temporal, prop, force=force
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
