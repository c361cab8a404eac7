"""The property page's weekly digest: its Temporal Schedule as the API reads it (or why it cannot
be read), whether the property has a webhook to send it to, and its form read into the API's
schema (`api.schemas.digests.DigestScheduleIn`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from fastapi import HTTPException
from starlette.datastructures import FormData
from temporalio.client import Client

from api.dashboard.forms import field_text
from api.schemas.digests import DigestScheduleOut, Weekday
from api.services.digests import read_digest
from config.settings import Settings
from db.models import Property

WEEKDAYS: tuple[str, ...] = get_args(Weekday)
FIELDS = ("weekday", "hour", "minute", "timezone")
UNREADABLE = "Temporal is unavailable; the digest cannot be read now."


@dataclass(frozen=True)
class DigestView:
    schedule: DigestScheduleOut | None
    webhook: bool  # whether the property has somewhere to send a digest
    problem: str | None = None  # why the schedule could not be read


async def digest_view(temporal: Client, settings: Settings, prop: Property) -> DigestView:
    """The property's digest schedule, none, or why Temporal could not say."""
    webhook = bool(prop.alert_webhook_url)
    try:
        return DigestView(await read_digest(temporal, settings, prop), webhook)
    except HTTPException as exc:
        if exc.status_code == 404:
            return DigestView(None, webhook)
        if exc.status_code == 503:
            return DigestView(None, webhook, UNREADABLE)
        raise


def digest_data(form: FormData) -> dict[str, Any]:
    """The digest form as a DigestScheduleIn body; what it leaves empty, the schema's defaults
    decide (the minute is kept from the schedule as the API set it)."""
    return {name: value for name in FIELDS if (value := field_text(form, name))}


def digest_values(form: FormData) -> dict[str, Any]:
    """What the digest form shows again after a refusal: what was sent."""
    return {"digest": {name: field_text(form, name) for name in FIELDS}}
