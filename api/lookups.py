"""Loading a resource by id for a caller, or answering 404 with a message that names it.

Another organisation's resource is answered exactly like one that does not exist: the caller
learns nothing about ids that are not theirs.
"""

from __future__ import annotations

import uuid
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Caller, CallerDep
from api.deps import SessionDep
from db import audits
from db.models import Audit, Organisation, Property, Query, Run
from db.properties import get_property
from db.runs import get_run_detail

# What hangs under a property, and is visible to whoever sees that property.
Owned = TypeVar("Owned", Audit, Run, Query)


def _not_found(noun: str, resource_id: uuid.UUID) -> HTTPException:
    return HTTPException(status_code=404, detail=f"{noun} {resource_id} not found")


async def _visible(session: AsyncSession, property_id: uuid.UUID, caller: Caller) -> bool:
    if caller.admin:
        return True
    org = await session.scalar(select(Property.org_id).where(Property.id == property_id))
    return caller.sees(org)


async def _owned_or_404(
    session: AsyncSession, row: Owned | None, caller: Caller, noun: str, row_id: uuid.UUID
) -> Owned:
    if row is None or not await _visible(session, row.property_id, caller):
        raise _not_found(noun, row_id)
    return row


async def property_or_404(
    session: AsyncSession, property_id: uuid.UUID, caller: Caller
) -> Property:
    prop = await get_property(session, property_id)
    if prop is None or not caller.sees(prop.org_id):
        raise _not_found("property", property_id)
    return prop


async def _path_property(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> Property:
    return await property_or_404(session, property_id, caller)


# The property a route's `{property_id}` names, if the caller may see it (404 otherwise).
PropertyDep = Annotated[Property, Depends(_path_property)]


async def audit_or_404(session: AsyncSession, audit_id: uuid.UUID, caller: Caller) -> Audit:
    audit = await audits.get_audit(session, audit_id)
    return await _owned_or_404(session, audit, caller, "audit", audit_id)


async def run_or_404(session: AsyncSession, run_id: uuid.UUID, caller: Caller) -> Run:
    run = await get_run_detail(session, run_id)
    return await _owned_or_404(session, run, caller, "run", run_id)


async def query_or_404(session: AsyncSession, query_id: uuid.UUID, caller: Caller) -> Query:
    row = await session.get(Query, query_id)
    return await _owned_or_404(session, row, caller, "query", query_id)


async def org_or_404(session: AsyncSession, org_id: uuid.UUID, caller: Caller) -> Organisation:
    org = await session.get(Organisation, org_id)
    if org is None or not caller.sees(org.id):
        raise _not_found("organisation", org_id)
    return org
