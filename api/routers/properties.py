"""Property profiles and their query panels."""

from __future__ import annotations

import uuid
from collections import Counter

from fastapi import APIRouter, HTTPException, Response, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from temporalio.service import RPCError

from api.deps import SessionDep, TemporalDep
from api.lookups import property_or_404
from api.routers.schedules import delete_schedule
from api.schemas import (
    AddressOut,
    GenerateResult,
    Limit,
    Offset,
    PropertyCreate,
    PropertyPublic,
    PropertyUpdate,
    QueriesActivation,
    QueryCreate,
    QueryList,
    QueryPublic,
)
from db.models import Property
from db.properties import add_queries, apply_profile, generate_queries, list_queries
from geo.domains import infer_brand_domains, normalize_domain
from geo.panel import PanelQuery

router = APIRouter(prefix="/properties", tags=["properties"])


def to_public(prop: Property) -> PropertyPublic:
    return PropertyPublic(
        id=prop.id,
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


def _fields(body: PropertyCreate | PropertyUpdate) -> dict[str, object]:
    data = body.model_dump(exclude_unset=True)
    for url_field in ("website_url", "alert_webhook_url"):
        if url_field in data:
            data[url_field] = str(data[url_field] or "")
    if data.get("brand_domains") is not None:
        data["brand_domains"] = [d for d in map(normalize_domain, data["brand_domains"]) if d]
    if data.get("competitors") is not None:
        data["competitors"] = [
            {"name": c["name"].strip(), "domain": normalize_domain(c.get("domain"))}
            for c in data["competitors"]
        ]
    return {k: v for k, v in data.items() if v is not None or k == "address"}


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_property(body: PropertyCreate, session: SessionDep) -> PropertyPublic:
    """Create a property profile; brand domains default to the website's host."""
    prop = Property(name=body.name.strip())
    apply_profile(prop, _fields(body))
    if not prop.brand_domains:
        prop.brand_domains = infer_brand_domains(prop.website_url, prop.name)
    session.add(prop)
    await session.flush()
    await session.refresh(prop)
    return to_public(prop)


@router.get("")
async def list_properties(
    session: SessionDep, limit: Limit = 50, offset: Offset = 0
) -> list[PropertyPublic]:
    rows = await session.scalars(
        select(Property).order_by(Property.created_at.desc()).limit(limit).offset(offset)
    )
    return [to_public(p) for p in rows]


@router.get("/{property_id}")
async def read_property(property_id: uuid.UUID, session: SessionDep) -> PropertyPublic:
    return to_public(await property_or_404(session, property_id))


@router.patch("/{property_id}")
async def update_property(
    property_id: uuid.UUID, body: PropertyUpdate, session: SessionDep
) -> PropertyPublic:
    prop = await property_or_404(session, property_id)
    apply_profile(prop, _fields(body))
    await session.flush()
    await session.refresh(prop)
    return to_public(prop)


@router.delete("/{property_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_property(
    property_id: uuid.UUID, session: SessionDep, temporal: TemporalDep
) -> Response:
    """Delete the property, its panel, its audit history and its schedule."""
    prop = await property_or_404(session, property_id)
    try:
        await delete_schedule(temporal, prop.id)
    except RPCError as exc:
        raise HTTPException(
            status_code=503,
            detail="Temporal is unavailable, so the property's schedule could "
            "not be removed; nothing was deleted",
        ) from exc
    await session.delete(prop)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{property_id}/queries/generate", status_code=status.HTTP_201_CREATED)
async def generate_panel(property_id: uuid.UUID, session: SessionDep) -> GenerateResult:
    """Build the deterministic panel; running it again adds only what is missing."""
    prop = await property_or_404(session, property_id)
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
    property_id: uuid.UUID, session: SessionDep, active_only: bool = False
) -> QueryList:
    await property_or_404(session, property_id)
    rows = await list_queries(session, property_id, active_only=active_only)
    return QueryList(
        queries=[QueryPublic.model_validate(q) for q in rows],
        total=len(rows),
        by_type=dict(Counter(q.type for q in rows)),
    )


@router.patch("/{property_id}/queries")
async def activate_queries(
    property_id: uuid.UUID, body: QueriesActivation, session: SessionDep
) -> QueryList:
    """Activate or deactivate many questions at once (audits ask only active ones)."""
    await property_or_404(session, property_id)
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
    listed = await read_queries(property_id, session)
    listed.updated = len(chosen)
    return listed


@router.post("/{property_id}/queries", status_code=status.HTTP_201_CREATED)
async def create_query(
    property_id: uuid.UUID, body: QueryCreate, session: SessionDep
) -> QueryPublic:
    prop = await property_or_404(session, property_id)
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
