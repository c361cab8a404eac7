"""Recurring audits on a Temporal Schedule, one per property."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, HTTPException, Response, status
from temporalio.service import RPCError, RPCStatusCode

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.errors import temporal_down
from api.lookups import property_or_404
from api.ratelimit import paid_work
from api.schemas import ScheduleIn, ScheduleOut
from api.services.schedules import (
    delete_schedule,
    describe,
    recurring_audit,
    save_schedule,
    schedule_id,
)
from api.services.starting import Refused

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
    if (body.interval_minutes is None) == (body.cron is None):
        raise HTTPException(status_code=422, detail="give exactly one of interval_minutes or cron")
    try:
        schedule = recurring_audit(settings, prop, body)
    except Refused as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    handle = await save_schedule(temporal, prop.id, schedule)
    return await describe(temporal, handle, prop.id)


@router.get("/{property_id}/schedule")
async def get_schedule(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep, temporal: TemporalDep
) -> ScheduleOut:
    prop = await property_or_404(session, property_id, caller)
    handle = temporal.get_schedule_handle(schedule_id(prop.id))
    try:
        return await describe(temporal, handle, prop.id)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise HTTPException(status_code=404, detail="this property has no schedule") from exc
        raise temporal_down() from exc


@router.delete("/{property_id}/schedule", status_code=status.HTTP_204_NO_CONTENT)
async def remove_schedule(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep, temporal: TemporalDep
) -> Response:
    prop = await property_or_404(session, property_id, caller)
    if not await delete_schedule(temporal, prop.id):
        raise HTTPException(status_code=404, detail="this property has no schedule")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
