"""The property page's schedule: set or replace it, pause, unpause, delete."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.auth import Caller
from api.dashboard.access import ViewerDep
from api.dashboard.forms import (
    CHECKED,
    FORM_ERRORS,
    PAID,
    back_to,
    field_text,
    flash,
    option_values,
    options_data,
    parse_id,
    problems,
    temporal_call,
)
from api.dashboard.property_page import refused
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.lookups import property_or_404
from api.schemas import (
    ScheduleIn,
)
from api.services.schedules import delete_schedule, pause_schedule, set_schedule
from config.settings import Settings

router = APIRouter(prefix="/app/properties")


# --- the schedule ---------------------------------------------------------------------------


@router.post("/{property_id}/schedule", dependencies=PAID)
async def save_schedule(
    request: Request,
    property_id: str,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    caller: ViewerDep,
) -> Response:
    prop = await property_or_404(session, parse_id(property_id, "property"), caller)
    form = await request.form()
    every, cron = field_text(form, "interval_minutes"), field_text(form, "cron")
    values = {
        "schedule": {
            "interval_minutes": every,
            "cron": cron,
            "time_zone": field_text(form, "time_zone"),
            "note": field_text(form, "note"),
        },
        "schedule_options": option_values(form),
    }
    if bool(every) == bool(cron):
        return await refused(
            request,
            session,
            settings,
            temporal,
            caller,
            prop.id,
            "schedule",
            ["Give either an interval in minutes or a cron expression (one of the two)."],
            values=values,
        )
    data = {
        **options_data(form),
        "interval_minutes": every or None,
        "cron": cron or None,
        "time_zone": field_text(form, "time_zone") or "UTC",
        "note": field_text(form, "note"),
        "paused": field_text(form, "paused") == "on",
    }
    if "surfaces" in data and not data["surfaces"]:
        return await refused(
            request,
            session,
            settings,
            temporal,
            caller,
            prop.id,
            "schedule",
            ["Choose at least one surface to ask."],
            values=values,
        )
    try:
        body = ScheduleIn.model_validate(data)
        await temporal_call(set_schedule(temporal, settings, prop, body))
    except ValidationError as exc:
        messages, status_code, headers = problems(exc), 422, None
    except HTTPException as exc:
        if exc.status_code not in FORM_ERRORS:
            raise
        messages, status_code, headers = [str(exc.detail).capitalize()], exc.status_code, None
    else:
        flash(request, "The schedule was saved.")
        return back_to(prop.id, "schedule")
    return await refused(
        request, session, settings, temporal, caller, prop.id, "schedule", messages,
        status_code=status_code, values=values, headers=headers,
    )  # fmt: skip


async def _schedule_change(
    request: Request,
    session: AsyncSession,
    settings: Settings,
    temporal: Client,
    caller: Caller,
    property_id: str,
    change: str,
) -> Response:
    prop = await property_or_404(session, parse_id(property_id, "property"), caller)
    try:
        if change == "delete":
            if not await temporal_call(delete_schedule(temporal, prop.id)):
                raise HTTPException(status_code=404, detail="this property has no schedule")
        else:
            await temporal_call(pause_schedule(temporal, prop.id, paused=change == "pause"))
    except HTTPException as exc:
        if exc.status_code not in (*FORM_ERRORS, 404):
            raise
        return await refused(
            request,
            session,
            settings,
            temporal,
            caller,
            prop.id,
            "schedule",
            [str(exc.detail).capitalize()],
            status_code=exc.status_code,
        )
    done = {"pause": "paused", "unpause": "running again", "delete": "deleted"}[change]
    flash(request, f"The schedule is {done}.")
    return back_to(prop.id, "schedule")


@router.post("/{property_id}/schedule/pause", dependencies=CHECKED)
async def pause_recurring(
    request: Request,
    property_id: str,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    caller: ViewerDep,
) -> Response:
    return await _schedule_change(
        request, session, settings, temporal, caller, property_id, "pause"
    )


@router.post("/{property_id}/schedule/unpause", dependencies=CHECKED)
async def unpause_recurring(
    request: Request,
    property_id: str,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    caller: ViewerDep,
) -> Response:
    return await _schedule_change(
        request, session, settings, temporal, caller, property_id, "unpause"
    )


@router.post("/{property_id}/schedule/delete", dependencies=CHECKED)
async def delete_recurring(
    request: Request,
    property_id: str,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    caller: ViewerDep,
) -> Response:
    return await _schedule_change(
        request, session, settings, temporal, caller, property_id, "delete"
    )
