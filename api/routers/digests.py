"""A property's weekly digest on a Temporal Schedule."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status

from api.deps import SettingsDep, TemporalDep
from api.lookups import PropertyDep
from api.schemas.digests import DigestScheduleIn, DigestScheduleOut, DigestStarted
from api.services.digests import read_digest, remove_digest, send_now, set_digest

router = APIRouter(prefix="/properties", tags=["digests"])


@router.put("/{property_id}/digest")
async def put_digest(
    prop: PropertyDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    body: DigestScheduleIn | None = None,
) -> DigestScheduleOut:
    """Send the property's weekly digest to its webhook, in its alert_format, every `weekday`
    at `hour`:`minute` in `timezone` (no body: Monday 08:00 UTC); 409 when the property has no
    alert_webhook_url."""
    return await set_digest(temporal, settings, prop, body or DigestScheduleIn())


@router.get("/{property_id}/digest")
async def get_digest(
    prop: PropertyDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> DigestScheduleOut:
    """The digest's schedule: when it runs next, what it last started."""
    return await read_digest(temporal, settings, prop)


@router.delete("/{property_id}/digest", status_code=status.HTTP_204_NO_CONTENT)
async def delete_digest(prop: PropertyDep, temporal: TemporalDep) -> Response:
    if not await remove_digest(temporal, prop.id):
        raise HTTPException(status_code=404, detail="this property has no digest")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{property_id}/digest/send", status_code=status.HTTP_202_ACCEPTED)
async def send_digest(
    prop: PropertyDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> DigestStarted:
    """Send one digest now (a WeeklyDigest workflow; 409 without an alert_webhook_url)."""
    return await send_now(temporal, settings, prop)
