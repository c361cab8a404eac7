"""A property's recurring audit on a Temporal Schedule: its id, reading it back, removing it."""

from __future__ import annotations

import uuid
from typing import Any

from temporalio.client import Client, ScheduleActionStartWorkflow, ScheduleHandle
from temporalio.service import RPCError, RPCStatusCode

from api.schemas import ScheduleOut
from contracts.audit import AuditInput


def schedule_id(property_id: uuid.UUID) -> str:
    return f"schedule-{property_id}"


async def delete_schedule(temporal: Client, property_id: uuid.UUID) -> bool:
    """Remove the property's schedule; False when it had none."""
    try:
        await temporal.get_schedule_handle(schedule_id(property_id)).delete()
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
