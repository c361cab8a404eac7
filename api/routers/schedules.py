"""Recurring audits on a Temporal Schedule, one per property."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Response, status

from api.deps import SettingsDep, TemporalDep
from api.lookups import PropertyDep
from api.ratelimit import paid_work
from api.schemas import ScheduleIn, ScheduleOut
from api.services.schedules import delete_schedule, read_schedule, set_schedule

router = APIRouter(prefix="/properties", tags=["schedules"])


@router.put("/{property_id}/schedule", dependencies=[Depends(paid_work)])
async def put_schedule(
    prop: PropertyDep,
    body: ScheduleIn,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> ScheduleOut:
    """Create or replace the property's recurring audit (overlap: skip while one runs)."""
    return await set_schedule(temporal, settings, prop, body)


@router.get("/{property_id}/schedule")
async def get_schedule(prop: PropertyDep, temporal: TemporalDep) -> ScheduleOut:
    return await read_schedule(temporal, prop.id)


@router.delete("/{property_id}/schedule", status_code=status.HTTP_204_NO_CONTENT)
async def remove_schedule(prop: PropertyDep, temporal: TemporalDep) -> Response:
    if not await delete_schedule(temporal, prop.id):
        raise HTTPException(status_code=404, detail="this property has no schedule")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
