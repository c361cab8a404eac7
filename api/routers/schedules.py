"""Recurring audits on a Temporal Schedule, one per property."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, Depends, HTTPException, Response, status
from temporalio.client import (
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError, RPCStatusCode

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.lookups import property_or_404
from api.ratelimit import paid_work
from api.schemas import ScheduleIn, ScheduleOut
from api.services.audits import Refused, budget, resolve_surfaces
from api.services.schedules import delete_schedule, describe, schedule_id
from contracts.audit import AuditInput
from contracts.names import AUDIT_STATUS, PROPERTY_ID, TASK_QUEUE
from workflows.property_audit import PropertyAuditWorkflow

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
        surfaces = resolve_surfaces(settings, body.surfaces)
        max_cost = budget(settings, body.max_cost_usd)
    except Refused as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    mode = body.mode or settings.geo_audit_mode
    web_search = settings.geo_enable_web_search if body.web_search is None else body.web_search
    spec = (
        ScheduleSpec(
            intervals=[ScheduleIntervalSpec(every=timedelta(minutes=body.interval_minutes))]
        )
        if body.interval_minutes is not None
        else ScheduleSpec(cron_expressions=[body.cron or ""], time_zone_name=body.time_zone)
    )
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            PropertyAuditWorkflow.run,
            # No audit id: each started workflow opens an audit of its own.
            AuditInput(
                audit_id="",
                property_id=str(prop.id),
                surfaces=surfaces,
                run_ids={},
                mode=mode,
                web_search=web_search,
                samples_per_query=body.samples_per_query,
                max_cost_usd=max_cost,
            ),
            id=f"audit-scheduled-{prop.id}",
            task_queue=TASK_QUEUE,
            typed_search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(PROPERTY_ID, str(prop.id)),
                    SearchAttributePair(AUDIT_STATUS, "queued"),
                ]
            ),
            static_summary=f"{prop.name} · scheduled · {', '.join(surfaces)}",
            # The server keeps cron as calendars; the memo keeps what the user asked for.
            memo={"schedule": body.model_dump(include={"interval_minutes", "cron", "time_zone"})},
        ),
        spec=spec,
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
        state=ScheduleState(
            note=body.note or f"recurring audit of {prop.name}", paused=body.paused
        ),
    )
    sid = schedule_id(prop.id)
    try:
        try:
            handle = await temporal.create_schedule(sid, schedule)
        except ScheduleAlreadyRunningError:
            handle = temporal.get_schedule_handle(sid)

            def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
                return ScheduleUpdate(schedule=schedule)

            await handle.update(replace)
    except RPCError as exc:
        if exc.status == RPCStatusCode.INVALID_ARGUMENT:
            raise HTTPException(status_code=422, detail=f"invalid schedule: {exc.message}") from exc
        raise HTTPException(status_code=503, detail="Temporal is unavailable; try again") from exc
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
        raise HTTPException(status_code=503, detail="Temporal is unavailable; try again") from exc


@router.delete("/{property_id}/schedule", status_code=status.HTTP_204_NO_CONTENT)
async def remove_schedule(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep, temporal: TemporalDep
) -> Response:
    prop = await property_or_404(session, property_id, caller)
    if not await delete_schedule(temporal, prop.id):
        raise HTTPException(status_code=404, detail="this property has no schedule")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
