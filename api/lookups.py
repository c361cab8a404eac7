"""Loading a resource by id or answering 404 with a message that names it."""

from __future__ import annotations

import uuid

from fastapi import HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from db import audits
from db.models import Audit, Property
from db.properties import get_property


async def property_or_404(session: AsyncSession, property_id: uuid.UUID) -> Property:
    prop = await get_property(session, property_id)
    if prop is None:
        raise HTTPException(status_code=404, detail=f"property {property_id} not found")
    return prop


async def audit_or_404(session: AsyncSession, audit_id: uuid.UUID) -> Audit:
    audit = await audits.get_audit(session, audit_id)
    if audit is None:
        raise HTTPException(status_code=404, detail=f"audit {audit_id} not found")
    return audit
