"""A property's profile between the API and its row: the fields a body writes, the body a row
reads back as, and where a new property belongs."""

from __future__ import annotations

import uuid

from fastapi import HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Caller
from api.schemas import AddressOut, PropertyCreate, PropertyPublic, PropertyUpdate
from config.egress import EgressRefused, check_url
from config.settings import Settings
from db.models import Organisation, Property
from db.properties import apply_profile
from db.rows import from_row
from geo.domains import infer_brand_domains, normalize_domain


def to_public(prop: Property) -> PropertyPublic:
    return from_row(
        PropertyPublic,
        prop,
        address=AddressOut.model_validate(prop, from_attributes=True),
        brand_domains=prop.brand_domains or [],
        competitors=prop.competitors or [],
        amenities=prop.amenities or [],
        unique_selling_points=prop.unique_selling_points or [],
        tags=prop.tags or [],
    )


def profile_fields(body: PropertyCreate | PropertyUpdate, settings: Settings) -> dict[str, object]:
    """The columns the body sets, normalised; 422 for an alert webhook egress refuses."""
    data = body.model_dump(exclude_unset=True, exclude={"org_id"})
    # An explicit null leaves these as they are: they have no "unset" value of their own.
    for field in ("alert_format", "tags", "region"):
        if field in data and data[field] is None:
            del data[field]
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


async def owning_org(
    session: AsyncSession, caller: Caller, asked: uuid.UUID | None
) -> uuid.UUID | None:
    """The organisation a new property belongs to: the caller's, or the one the admin names."""
    if asked is None:
        return caller.org_id
    if not caller.admin:
        raise HTTPException(status_code=403, detail="only the admin key places properties")
    if await session.get(Organisation, asked) is None:
        raise HTTPException(status_code=422, detail=f"organisation {asked} not found")
    return asked


async def new_property(
    session: AsyncSession, caller: Caller, body: PropertyCreate, settings: Settings
) -> Property:
    """A new property; its brand domains default to the website's host."""
    prop = Property(name=body.name.strip(), org_id=await owning_org(session, caller, body.org_id))
    apply_profile(prop, profile_fields(body, settings))
    if not prop.brand_domains:
        prop.brand_domains = infer_brand_domains(prop.website_url, prop.name)
    session.add(prop)
    await session.flush()
    await session.refresh(prop)
    return prop
