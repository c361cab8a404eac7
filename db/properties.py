"""Properties and their query panels."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Property, Query
from db.rows import from_row
from geo.domains import infer_brand_domains
from geo.panel import PanelQuery, normalize_query_text
from geo.panel_spec import PanelPlan, PanelSpec, build_panel
from geo.profile import Address, PropertyProfile


def address_of(prop: Property) -> Address:
    """The address the row keeps flattened in its own columns."""
    return Address.model_validate(prop, from_attributes=True)


def profile_of(prop: Property) -> PropertyProfile:
    return from_row(
        PropertyProfile,
        prop,
        address=address_of(prop),
        brand_domains=list(prop.brand_domains or [])
        or infer_brand_domains(prop.website_url, prop.name),
        competitors=prop.competitors or [],
        amenities=prop.amenities or [],
        unique_selling_points=prop.unique_selling_points or [],
    )


def apply_profile(prop: Property, data: dict[str, Any]) -> None:
    """Copy API fields onto the row (address flattened, lists as JSON)."""
    address = data.pop("address", None)
    if address is not None:
        for key, value in address.items():
            setattr(prop, key, value or "")
    for key, value in data.items():
        setattr(prop, key, value)


async def get_property(session: AsyncSession, property_id: uuid.UUID) -> Property | None:
    return await session.get(Property, property_id)


async def list_queries(
    session: AsyncSession,
    property_id: uuid.UUID,
    *,
    active_only: bool = False,
    persona: str | None = None,
    language: str | None = None,
) -> list[Query]:
    """The panel in asking order; `persona` "" picks the questions of any renter."""
    stmt = select(Query).where(Query.property_id == property_id)
    if active_only:
        stmt = stmt.where(Query.is_active.is_(True))
    if persona is not None:
        stmt = stmt.where(Query.persona == persona)
    if language is not None:
        stmt = stmt.where(Query.language == language)
    stmt = stmt.order_by(Query.position, Query.created_at)
    return list((await session.scalars(stmt)).all())


async def count_active_queries(session: AsyncSession, property_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Query)
            .where(Query.property_id == property_id, Query.is_active.is_(True))
        )
        or 0
    )


async def add_queries(
    session: AsyncSession, prop: Property, queries: list[PanelQuery], *, generated: bool
) -> tuple[list[Query], int]:
    """Insert the questions the panel lacks; returns (new rows, how many already existed)."""
    existing = {q.text_key for q in await list_queries(session, prop.id)}
    start = await session.scalar(
        select(func.coalesce(func.max(Query.position), 0)).where(Query.property_id == prop.id)
    )
    created: list[Query] = []
    for offset, item in enumerate(queries, start=1):
        key = normalize_query_text(item.text)
        if key in existing:
            continue
        existing.add(key)
        row = Query(
            property_id=prop.id,
            text=item.text,
            text_key=key,
            type=item.type,
            weight=item.weight,
            persona=item.persona,
            language=item.language,
            geo=profile_of(prop).address.city_state(),
            generated=generated,
            position=(start or 0) + offset,
        )
        session.add(row)
        created.append(row)
    await session.flush()
    return created, len(queries) - len(created)


def plan_panel(prop: Property, spec: PanelSpec | None = None) -> PanelPlan:
    """The panel the spec asks for, from the profile as the row holds it now."""
    return build_panel(profile_of(prop), spec)


async def generate_queries(
    session: AsyncSession, prop: Property, spec: PanelSpec | None = None
) -> tuple[list[Query], int]:
    """Add what the panel the spec asks for lacks (default: the general panel in English)."""
    return await add_queries(session, prop, plan_panel(prop, spec).queries, generated=True)
