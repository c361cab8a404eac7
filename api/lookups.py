"""Loading a resource by id for a caller, or answering 404 with a message that names it.

Another organisation's resource is answered exactly like one that does not exist: the caller
learns nothing about ids that are not theirs.
"""

from __future__ import annotations

import uuid

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Caller
from db import audits
from db.models import Audit, Property, Query, Run
from db.properties import get_property
from db.runs import get_run_detail


async def _visible(session: AsyncSession, property_id: uuid.UUID, caller: Caller) -> bool:
    if caller.admin:
        return True
    org = await session.scalar(select(Property.org_id).where(Property.id == property_id))
    return caller.sees(org)


async def property_or_404(
    session: AsyncSession, property_id: uuid.UUID, caller: Caller
) -> Property:
    prop = await get_property(session, property_id)
    if prop is None or not caller.sees(prop.org_id):
        raise HTTPException(status_code=404, detail=f"property {property_id} not found")
    return prop


async def audit_or_404(session: AsyncSession, audit_id: uuid.UUID, caller: Caller) -> Audit:
    audit = await audits.get_audit(session, audit_id)
    if audit is None or not await _visible(session, audit.property_id, caller):
        raise HTTPException(status_code=404, detail=f"audit {audit_id} not found")
    return audit


async def run_or_404(session: AsyncSession, run_id: uuid.UUID, caller: Caller) -> Run:
    run = await get_run_detail(session, run_id)
    if run is None or not await _visible(session, run.property_id, caller):
        raise HTTPException(status_code=404, detail=f"run {run_id} not found")
    return run


async def query_or_404(session: AsyncSession, query_id: uuid.UUID, caller: Caller) -> Query:
    row = await session.get(Query, query_id)
    if row is None or not await _visible(session, row.property_id, caller):
        raise HTTPException(status_code=404, detail=f"query {query_id} not found")
    return row
