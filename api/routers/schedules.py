"""Recurring audits on a Temporal Schedule, one per property."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, HTTPException, Response, status

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.lookups import property_or_404
from api.ratelimit import paid_work
from api.schemas import ScheduleIn, ScheduleOut
from api.services.schedules import delete_schedule, read_schedule, set_schedule

router = APIRouter(prefix="/properties", tags=["schedules"])


@router.put("/{property_id}/schedule", dependencies=[Depends(paid_work)])
async def put_schedule(
    property_id: uuid.UUID,
    body: ScheduleIn,
    session: SessionDep,
    caller: CallerDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> ScheduleOut:
    """Create or replace the property's recurring audit (overlap: skip while one runs)."""
    prop = await property_or_404(session, property_id, caller)
    return await set_schedule(temporal, settings, prop, body)


@router.get("/{property_id}/schedule")
async def get_schedule(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep, temporal: TemporalDep
) -> ScheduleOut:
    prop = await property_or_404(session, property_id, caller)
    return await read_schedule(temporal, prop.id)


@router.delete("/{property_id}/schedule", status_code=status.HTTP_204_NO_CONTENT)
async def remove_schedule(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep, temporal: TemporalDep
) -> Response:
    prop = await property_or_404(session, property_id, caller)
    if not await delete_schedule(temporal, prop.id):
        raise HTTPException(status_code=404, detail="this property has no schedule")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
