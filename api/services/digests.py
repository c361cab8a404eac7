"""A property's weekly digest: its Temporal Schedule (built, saved, read back, removed) and a
digest sent on demand. The schedule follows the recurring audit's conventions
(api.services.schedules): the same client, search attribute, memo and overlap policy."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import HTTPException
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionExecutionStartWorkflow,
    ScheduleActionResult,
    ScheduleActionStartWorkflow,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleState,
)
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode

from api.errors import temporal_down, temporal_unreachable
from api.schemas.digests import DigestRun, DigestScheduleIn, DigestScheduleOut, DigestStarted
from api.services.links import workflow_url
from api.services.schedules import delete_schedule, save_schedule
from config.settings import Settings
from contracts.digest import DigestInput, digest_now_workflow_id, digest_schedule_id
from contracts.names import PROPERTY_ID, TASK_QUEUE
from db.models import Property
from workflows.digest import WeeklyDigestWorkflow

# Temporal counts weekdays from Sunday = 0.
WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
NO_WEBHOOK = (
    "this property has no alert_webhook_url: set one (PATCH /properties/{id}) to get a digest"
)


def require_webhook(prop: Property) -> None:
    """409: a digest needs somewhere to go."""
    if not prop.alert_webhook_url:
        raise HTTPException(status_code=409, detail=NO_WEBHOOK.format(id=prop.id))


def _attributes(prop: Property) -> TypedSearchAttributes:
    return TypedSearchAttributes([SearchAttributePair(PROPERTY_ID, str(prop.id))])


def weekly_digest(prop: Property, body: DigestScheduleIn) -> Schedule:
    """The Schedule that starts a WeeklyDigest at the weekday and hour asked, in its zone."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            WeeklyDigestWorkflow.run,
            DigestInput(property_id=str(prop.id)),
            id=digest_schedule_id(str(prop.id)),
            task_queue=TASK_QUEUE,
            typed_search_attributes=_attributes(prop),
            static_summary=f"{prop.name} · weekly digest",
            # The server keeps calendars; the memo keeps what the user asked for.
            memo={"digest": body.model_dump(include={"weekday", "hour", "minute", "timezone"})},
        ),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    day_of_week=[ScheduleRange(WEEKDAYS.index(body.weekday))],
                    hour=[ScheduleRange(body.hour)],
                    minute=[ScheduleRange(body.minute)],
                )
            ],
            time_zone_name=body.timezone,
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
        state=ScheduleState(note=f"weekly digest of {prop.name}", paused=body.paused),
    )


def _run(result: ScheduleActionResult) -> DigestRun | None:
    started = result.action
    if not isinstance(started, ScheduleActionExecutionStartWorkflow):
        return None
    return DigestRun(
        workflow_id=started.workflow_id,
        run_id=started.first_execution_run_id,
        scheduled_at=result.scheduled_at,
        started_at=result.started_at,
    )


def schedule_url(settings: Settings, sid: str) -> str:
    base = settings.temporal_ui_url.rstrip("/")
    return f"{base}/namespaces/{settings.temporal_namespace}/schedules/{sid}"


async def read_digest(temporal: Client, settings: Settings, prop: Property) -> DigestScheduleOut:
    """The property's digest schedule: 404 when it has none, 503 when Temporal is down."""
    sid = digest_schedule_id(str(prop.id))
    try:
        desc = await temporal.get_schedule_handle(sid).describe()
        asked: dict[str, Any] = {}
        action = desc.schedule.action
        memo = action.memo if isinstance(action, ScheduleActionStartWorkflow) else None
        if memo and "digest" in memo:
            (asked,) = await temporal.data_converter.decode([memo["digest"]], [dict])
    except (RPCError, RuntimeError) as exc:
        if isinstance(exc, RPCError) and exc.status == RPCStatusCode.NOT_FOUND:
            raise HTTPException(status_code=404, detail="this property has no digest") from exc
        if temporal_unreachable(exc):
            raise temporal_down() from exc
        raise
    runs = [r for r in (_run(a) for a in desc.info.recent_actions) if r is not None]
    return DigestScheduleOut(
        schedule_id=sid,
        property_id=prop.id,
        weekday=asked.get("weekday", "monday"),
        hour=asked.get("hour", 0),
        minute=asked.get("minute", 0),
        timezone=asked.get("timezone", "UTC"),
        paused=desc.schedule.state.paused,
        alert_format=prop.alert_format,
        next_run_times=list(desc.info.next_action_times[:5]),
        last_run=runs[-1] if runs else None,
        recent_runs=runs,
        digests_started=desc.info.num_actions,
        temporal_url=schedule_url(settings, sid),
    )


async def set_digest(
    temporal: Client, settings: Settings, prop: Property, body: DigestScheduleIn
) -> DigestScheduleOut:
    """Create or replace the property's digest schedule and read it back; 409 without a
    webhook to send it to."""
    require_webhook(prop)
    sid = digest_schedule_id(str(prop.id))
    await save_schedule(temporal, prop.id, weekly_digest(prop, body), sid=sid)
    return await read_digest(temporal, settings, prop)


async def remove_digest(temporal: Client, property_id: uuid.UUID) -> bool:
    """Remove the property's digest schedule; False when it had none, 503 when Temporal is
    down."""
    try:
        return await delete_schedule(
            temporal, property_id, sid=digest_schedule_id(str(property_id))
        )
    except (RPCError, RuntimeError) as exc:
        if temporal_unreachable(exc):
            raise temporal_down() from exc
        raise


async def send_now(temporal: Client, settings: Settings, prop: Property) -> DigestStarted:
    """Start one digest now (joining the one already on its way, if any); 409 without a
    webhook, 503 when Temporal is down."""
    require_webhook(prop)
    wid = digest_now_workflow_id(str(prop.id))
    try:
        handle = await temporal.start_workflow(
            WeeklyDigestWorkflow.run,
            DigestInput(property_id=str(prop.id)),
            id=wid,
            task_queue=TASK_QUEUE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            search_attributes=_attributes(prop),
            static_summary=f"{prop.name} · digest sent on demand",
        )
    except (RPCError, RuntimeError) as exc:
        if temporal_unreachable(exc):
            raise temporal_down() from exc
        raise
    return DigestStarted(
        property_id=prop.id,
        workflow_id=wid,
        run_id=handle.result_run_id,
        alert_format=prop.alert_format,
        temporal_url=workflow_url(settings, wid),
    )
