"""Results split by persona, language and asker location."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep
from api.lookups import PropertyDep, audit_or_404
from api.schemas.segments import AuditSegments, PropertySegments
from api.services.segments import audit_segments, location_segments

router = APIRouter(tags=["segments"])


@router.get("/audits/{audit_id}/segments")
async def read_audit_segments(
    audit_id: uuid.UUID, session: SessionDep, caller: CallerDep, settings: SettingsDep
) -> AuditSegments:
    """Per surface, the audit's figures by the questions' persona and by their language, scored
    as the run is scored (`total` is the run's own), each with the answers behind it."""
    audit = await audit_or_404(session, audit_id, caller)
    return await audit_segments(session, settings, audit)


@router.get("/properties/{property_id}/segments")
async def read_property_segments(
    prop: PropertyDep,
    session: SessionDep,
    settings: SettingsDep,
    by: Literal["location"] = "location",
) -> PropertySegments:
    """The latest closed audit asked from each asker location ('unspecified': none set), per
    surface; only audits scored by today's rules are compared."""
    return await location_segments(session, settings, prop)
