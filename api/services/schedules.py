"""A property's recurring audit on a Temporal Schedule: building it, saving it, reading it back,
removing it."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi import HTTPException
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleHandle,
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

from api.errors import temporal_down
from api.schemas import ScheduleIn, ScheduleOut
from api.services.starting import Refused, budget, resolve
from config.settings import Settings
from contracts.audit import AuditInput
from contracts.names import AUDIT_STATUS, PROPERTY_ID, TASK_QUEUE
from db.models import Property
from workflows.property_audit import PropertyAuditWorkflow


def schedule_id(property_id: uuid.UUID) -> str:
    return f"schedule-{property_id}"


def _spec(body: ScheduleIn) -> ScheduleSpec:
    if body.interval_minutes is not None:
        return ScheduleSpec(
            intervals=[ScheduleIntervalSpec(every=timedelta(minutes=body.interval_minutes))]
        )
    return ScheduleSpec(cron_expressions=[body.cron or ""], time_zone_name=body.time_zone)


def _scheduled_input(settings: Settings, prop: Property, body: ScheduleIn) -> AuditInput:
    """What each started workflow audits; Refused when the settings do not allow it."""
    options = resolve(settings, body)
    return AuditInput(
        # No audit id: each started workflow opens an audit of its own.
        audit_id="",
        property_id=str(prop.id),
        surfaces=options.surfaces,
        run_ids={},
        mode=options.mode,
        web_search=options.web_search,
        samples_per_query=options.samples_per_query,
        max_cost_usd=budget(settings, body.max_cost_usd),
        asker_location=options.asker_location,
    )


def recurring_audit(settings: Settings, prop: Property, body: ScheduleIn) -> Schedule:
    """The Schedule the body asks for, skipping a start while the last one runs; Refused when
    the settings do not allow its audits."""
    audit = _scheduled_input(settings, prop, body)
    return Schedule(
        action=ScheduleActionStartWorkflow(
            PropertyAuditWorkflow.run,
            audit,
            id=f"audit-scheduled-{prop.id}",
            task_queue=TASK_QUEUE,
            typed_search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(PROPERTY_ID, str(prop.id)),
                    SearchAttributePair(AUDIT_STATUS, "queued"),
                ]
            ),
            static_summary=f"{prop.name} · scheduled · {', '.join(audit.surfaces)}",
            # The server keeps cron as calendars; the memo keeps what the user asked for.
            memo={"schedule": body.model_dump(include={"interval_minutes", "cron", "time_zone"})},
        ),
        spec=_spec(body),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
        state=ScheduleState(
            note=body.note or f"recurring audit of {prop.name}", paused=body.paused
        ),
    )


async def save_schedule(
    temporal: Client, property_id: uuid.UUID, schedule: Schedule, *, sid: str = ""
) -> ScheduleHandle:
    """Create the property's schedule (`sid`, its recurring audit by default), or replace the
    one it has; 422 when Temporal refuses it (a cron expression it cannot read), 503 when
    Temporal cannot be reached."""
    sid = sid or schedule_id(property_id)

    def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
        return ScheduleUpdate(schedule=schedule)

    try:
        try:
            return await temporal.create_schedule(sid, schedule)
        except ScheduleAlreadyRunningError:
            handle = temporal.get_schedule_handle(sid)
            await handle.update(replace)
            return handle
    except RPCError as exc:
        if exc.status == RPCStatusCode.INVALID_ARGUMENT:
            raise HTTPException(status_code=422, detail=f"invalid schedule: {exc.message}") from exc
        raise temporal_down() from exc


async def delete_schedule(temporal: Client, property_id: uuid.UUID, *, sid: str = "") -> bool:
    """Remove the property's schedule (`sid`, its recurring audit by default); False when it
    had none."""
    try:
        await temporal.get_schedule_handle(sid or schedule_id(property_id)).delete()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


async def describe(temporal: Client, handle: ScheduleHandle, property_id: uuid.UUID) -> ScheduleOut:
    desc = await handle.describe()
    action = desc.schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    (inp,) = await temporal.data_converter.decode(action.args, [AuditInput])
    asked: dict[str, Any] = {}
    if action.memo and "schedule" in action.memo:
        (asked,) = await temporal.data_converter.decode([action.memo["schedule"]], [dict])
    return ScheduleOut(
        schedule_id=handle.id,
        property_id=property_id,
        interval_minutes=asked.get("interval_minutes"),
        cron=asked.get("cron"),
        time_zone=asked.get("time_zone") or "UTC",
        surfaces=inp.surfaces,
        mode=inp.mode,
        samples_per_query=inp.samples_per_query,
        asker_location=inp.asker_location,
        max_cost_usd=inp.max_cost_usd,
        paused=desc.schedule.state.paused,
        note=desc.schedule.state.note or "",
        next_run_times=list(desc.info.next_action_times[:5]),
        recent_workflow_ids=[
            a.action.workflow_id
            for a in desc.info.recent_actions
            if hasattr(a.action, "workflow_id")
        ],
        audits_started=desc.info.num_actions,
    )


async def set_schedule(
    temporal: Client, settings: Settings, prop: Property, body: ScheduleIn
) -> ScheduleOut:
    """Create or replace the property's recurring audit and read it back: 422 without exactly
    one of an interval or a cron expression, or for audits the settings refuse."""
    if (body.interval_minutes is None) == (body.cron is None):
        raise HTTPException(status_code=422, detail="give exactly one of interval_minutes or cron")
    try:
        schedule = recurring_audit(settings, prop, body)
    except Refused as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    handle = await save_schedule(temporal, prop.id, schedule)
    return await describe(temporal, handle, prop.id)


async def read_schedule(temporal: Client, property_id: uuid.UUID) -> ScheduleOut:
    """The property's schedule: 404 when it has none, 503 when Temporal cannot be reached."""
    handle = temporal.get_schedule_handle(schedule_id(property_id))
    try:
        return await describe(temporal, handle, property_id)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise HTTPException(status_code=404, detail="this property has no schedule") from exc
        raise temporal_down() from exc


async def pause_schedule(temporal: Client, property_id: uuid.UUID, paused: bool) -> ScheduleOut:
    """Pause or unpause the property's schedule, keeping its note; 404 when it has none."""
    current = await read_schedule(temporal, property_id)
    handle = temporal.get_schedule_handle(current.schedule_id)
    try:
        if paused:
            await handle.pause(note=current.note)
        else:
            await handle.unpause(note=current.note)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise HTTPException(status_code=404, detail="this property has no schedule") from exc
        raise temporal_down() from exc
    return await read_schedule(temporal, property_id)
