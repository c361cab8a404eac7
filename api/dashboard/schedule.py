"""The property page's schedules: the recurring audit (set or replace it, pause, unpause,
delete) and the weekly digest (save, send one now, remove), through the API's services."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from api.dashboard.digest_view import digest_data, digest_values
from api.dashboard.forms import CHECKED, PAID, schedule_data, schedule_values, temporal_call
from api.dashboard.property_page import PageDep, PropertyPage
from api.schemas import ScheduleIn
from api.schemas.digests import DigestScheduleIn
from api.services.digests import remove_digest, send_now, set_digest
from api.services.schedules import delete_schedule, pause_schedule, set_schedule

router = APIRouter(prefix="/app/properties")

Change = Literal["pause", "unpause", "delete"]
DONE: dict[Change, str] = {"pause": "paused", "unpause": "running again", "delete": "deleted"}


# --- the schedule ---------------------------------------------------------------------------


@router.post("/{property_id}/schedule", dependencies=PAID)
async def save_schedule(page: PageDep) -> Response:
    form = await page.request.form()

    async def save() -> str:
        body = ScheduleIn.model_validate(schedule_data(form))
        await temporal_call(set_schedule(page.temporal, page.settings, page.prop, body))
        return "The schedule was saved."

    return await page.submit("schedule", save, values=schedule_values(form))


async def _change(page: PropertyPage, change: Change) -> Response:
    async def apply() -> str:
        if change == "delete":
            if not await temporal_call(delete_schedule(page.temporal, page.prop.id)):
                raise HTTPException(status_code=404, detail="this property has no schedule")
        else:
            await temporal_call(
                pause_schedule(page.temporal, page.prop.id, paused=change == "pause")
            )
        return f"The schedule is {DONE[change]}."

    # No schedule to change (404) is said next to the schedule too, not as an error page.
    return await page.submit("schedule", apply, also=(404,))


@router.post("/{property_id}/schedule/pause", dependencies=CHECKED)
async def pause_recurring(page: PageDep) -> Response:
    return await _change(page, "pause")


@router.post("/{property_id}/schedule/unpause", dependencies=CHECKED)
async def unpause_recurring(page: PageDep) -> Response:
    return await _change(page, "unpause")


@router.post("/{property_id}/schedule/delete", dependencies=CHECKED)
async def delete_recurring(page: PageDep) -> Response:
    return await _change(page, "delete")


# --- the weekly digest ----------------------------------------------------------------------
# No paid work (no LLM call): a property without a webhook is refused by the service (409).


@router.post("/{property_id}/digest", dependencies=CHECKED)
async def save_digest(page: PageDep) -> Response:
    form = await page.request.form()

    async def save() -> str:
        body = DigestScheduleIn.model_validate(digest_data(form))
        d = await temporal_call(set_digest(page.temporal, page.settings, page.prop, body))
        return (
            f"The weekly digest was saved: {d.weekday.capitalize()}s at "
            f"{d.hour:02d}:{d.minute:02d} ({d.timezone})."
        )

    return await page.submit("digest", save, values=digest_values(form))


@router.post("/{property_id}/digest/send", dependencies=CHECKED)
async def send_digest_now(page: PageDep) -> Response:
    async def send() -> str:
        started = await send_now(page.temporal, page.settings, page.prop)
        return f"A digest is on its way to the property's webhook ({started.workflow_id})."

    return await page.submit("digest", send)


@router.post("/{property_id}/digest/delete", dependencies=CHECKED)
async def delete_digest(page: PageDep) -> Response:
    async def remove() -> str:
        if not await remove_digest(page.temporal, page.prop.id):
            raise HTTPException(status_code=404, detail="this property has no digest")
        return "The weekly digest was removed."

    return await page.submit("digest", remove, also=(404,))
