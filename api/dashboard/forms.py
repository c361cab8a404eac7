"""Reading the property pages' forms into the API's schemas, and what those pages share: the
refusals and their messages, the defaults, Temporal calls answered as 503."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Mapping
from typing import Any, TypeVar, get_args

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import FormData
from temporalio.service import RPCError

from api.dashboard.access import checked_form, viewer
from api.dashboard.asking_from import LABELS as LOCATION_LABELS
from api.dashboard.asking_from import location_data, location_values
from api.errors import temporal_down, temporal_unreachable
from api.ratelimit import paid_work
from api.schemas.common import Mode
from config.settings import Settings
from db.models import Property

T = TypeVar("T")
MODES: tuple[str, ...] = get_args(Mode)
# Paid work: the same allowance as the API's POST /audits and PUT /schedule.
PAID = [Depends(checked_form), Depends(viewer), Depends(paid_work)]
CHECKED = [Depends(checked_form)]
# What a form field is called on the page, for the messages about it.
LABELS = {
    "name": "Name",
    "website_url": "Website",
    "address.street": "Street",
    "address.neighborhood": "Neighbourhood",
    "address.city": "City",
    "address.state": "State",
    "address.zip": "ZIP code",
    "amenities": "Amenities",
    "brand_domains": "Brand domains",
    "competitors.name": "Competitors",
    "competitors.domain": "Competitors",
    "competitors": "Competitors",
    "tags": "Tags",
    "region": "Region",
    "alert_format": "Alert format",
    "text": "Question",
    "type": "Type",
    "weight": "Weight",
    "surfaces": "Surfaces",
    "mode": "Mode",
    "web_search": "Web search",
    "samples_per_query": "Samples per question",
    "max_cost_usd": "Budget",
    **LOCATION_LABELS,
    "interval_minutes": "Every (minutes)",
    "cron": "Cron expression",
    "time_zone": "Time zone",
    "note": "Note",
    # The weekly digest's form (api.schemas.digests.DigestScheduleIn).
    "weekday": "Weekday",
    "hour": "Hour",
    "minute": "Minute",
    "timezone": "Time zone",
}
PROFILE_FIELDS = (
    *("name", "website_url", "street", "neighborhood", "city", "state", "zip"),
    *("amenities", "brand_domains", "competitors"),
    *("tags", "region", "alert_format"),
)
# Errors a service answers about the request itself: the form comes back saying so.
FORM_ERRORS = (409, 422, 503)


class Refusal(Exception):
    """A form refused before (or instead of) the schema and the service: these messages, as
    written, next to the form; the status and headers of the page that says so."""

    def __init__(
        self,
        messages: list[str],
        status_code: int = 422,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(*messages)
        self.messages = messages
        self.status_code = status_code
        self.headers = headers


def problems(exc: ValidationError) -> list[str]:
    """The schema's complaints in the form's words: which field (and which line of a list)."""
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        key = ".".join(p for p in loc if not p.isdigit())
        where = LABELS.get(key, key or "The form")
        lines = [int(p) + 1 for p in loc if p.isdigit()]
        if lines:
            where += f", line {lines[0]}" if key.startswith("competitors") else f", item {lines[0]}"
        message = str(err["msg"]).removeprefix("Value error, ")
        out.append(f"{where}: {message}")
    return out


def parse_id(value: str, noun: str) -> uuid.UUID:
    """An id from the path, or 404 like an unknown one (never a JSON validation error)."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise HTTPException(status_code=404, detail=f"{noun} {value} not found") from None


def field_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def split_list(text: str) -> list[str]:
    return [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]


def website_of(text: str) -> str | None:
    if not text:
        return None
    return text if "://" in text else f"https://{text}"


def competitors_of(text: str) -> list[dict[str, str]]:
    """One per line: a name, then (after the last comma) its domain."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, comma, domain = line.rpartition(",")
        if not comma:
            name, domain = line, ""
        out.append({"name": name.strip(), "domain": domain.strip()})
    return out


def question_data(form: FormData) -> dict[str, str]:
    """The question form as a QueryCreate / QueryUpdate body (no type: the schema's default)."""
    data = {"text": field_text(form, "text")}
    if kind := field_text(form, "type"):
        data["type"] = kind
    return data


def profile_data(form: FormData) -> dict[str, Any]:
    """The profile form as a PropertyCreate / PropertyUpdate body."""
    return {
        "name": field_text(form, "name"),
        "website_url": website_of(field_text(form, "website_url")),
        "address": {
            k: field_text(form, k) for k in ("street", "neighborhood", "city", "state", "zip")
        },
        "amenities": split_list(field_text(form, "amenities")),
        "brand_domains": split_list(field_text(form, "brand_domains")),
        "competitors": competitors_of(field_text(form, "competitors")),
        # Empty clears them; the schema lower-cases the tags.
        "tags": split_list(field_text(form, "tags")),
        "region": field_text(form, "region"),
        "alert_format": field_text(form, "alert_format") or None,
    }


def profile_values(form: FormData | None = None, prop: Property | None = None) -> dict[str, str]:
    """What the profile form shows: what was sent, else the property's profile."""
    names = PROFILE_FIELDS
    if form is not None:
        return {n: field_text(form, n) for n in names}
    if prop is None:
        return dict.fromkeys(names, "")
    return {
        "name": prop.name,
        "website_url": prop.website_url,
        "street": prop.street,
        "neighborhood": prop.neighborhood,
        "city": prop.city,
        "state": prop.state,
        "zip": prop.zip,
        "amenities": ", ".join(prop.amenities or []),
        "brand_domains": ", ".join(prop.brand_domains or []),
        "competitors": "\n".join(
            f"{c.get('name', '')}, {c.get('domain', '')}".rstrip(", ")
            for c in prop.competitors or []
        ),
        "tags": ", ".join(prop.tags or []),
        "region": prop.region or "",
        "alert_format": prop.alert_format or "json",
    }


def options_data(form: FormData) -> dict[str, Any]:
    """The audit options (for one audit or for each a schedule starts); what a form leaves
    out, the deployment's defaults decide."""
    if not field_text(form, "options"):
        return {}  # the plain Start audit button: every default
    data: dict[str, Any] = {
        "surfaces": [s for s in form.getlist("surfaces") if isinstance(s, str)],
        "web_search": field_text(form, "web_search") == "on",
    }
    if mode := field_text(form, "mode"):
        data["mode"] = mode
    if samples := field_text(form, "samples_per_query"):
        data["samples_per_query"] = samples
    if cost := field_text(form, "max_cost_usd"):
        data["max_cost_usd"] = cost
    if place := location_data(form):
        data["asker_location"] = place
    return data


def surfaces_chosen(data: dict[str, Any]) -> dict[str, Any]:
    """`data` unless its options list no surface: the schema would take that for "the
    defaults", while the form's sender unticked every box."""
    if "surfaces" in data and not data["surfaces"]:
        raise Refusal(["Choose at least one surface to ask."])
    return data


def option_values(form: FormData) -> dict[str, Any]:
    return {
        "surfaces": [s for s in form.getlist("surfaces") if isinstance(s, str)],
        "mode": field_text(form, "mode"),
        "web_search": field_text(form, "web_search") == "on",
        "samples_per_query": field_text(form, "samples_per_query"),
        "max_cost_usd": field_text(form, "max_cost_usd"),
        "location": location_values(form),
    }


def schedule_data(form: FormData) -> dict[str, Any]:
    """The schedule form as a ScheduleIn body; refused unless it gives exactly one of an
    interval and a cron expression (said in the form's words, before the schema's), or when its
    options list no surface."""
    every, cron = field_text(form, "interval_minutes"), field_text(form, "cron")
    if bool(every) == bool(cron):
        raise Refusal(["Give either an interval in minutes or a cron expression (one of the two)."])
    return surfaces_chosen(
        {
            **options_data(form),
            "interval_minutes": every or None,
            "cron": cron or None,
            "time_zone": field_text(form, "time_zone") or "UTC",
            "note": field_text(form, "note"),
            "paused": field_text(form, "paused") == "on",
        }
    )


def schedule_values(form: FormData) -> dict[str, Any]:
    """What the schedule form shows again after a refusal: what was sent."""
    return {
        "schedule": {
            name: field_text(form, name)
            for name in ("interval_minutes", "cron", "time_zone", "note")
        },
        "schedule_options": option_values(form),
    }


def audit_defaults(settings: Settings) -> dict[str, Any]:
    """What the options form offers, and what it starts with checked."""
    configured = settings.surface_configs()
    return {
        "surfaces": [(name, cfg.model, cfg.default) for name, cfg in configured.items()],
        "modes": MODES,
        "mode": settings.geo_audit_mode,
        "web_search": settings.geo_enable_web_search,
        "budget": settings.default_max_cost_usd,
        "budget_limit": settings.max_cost_usd_limit,
    }


async def temporal_call(call: Awaitable[T]) -> T:
    """A Temporal call whose failure to reach the server is a 503 the page can show."""
    try:
        return await call
    except (RPCError, RuntimeError) as exc:
        if not temporal_unreachable(exc):
            raise
        raise temporal_down() from exc


def flash(request: Request, message: str) -> None:
    request.session["flash"] = message


def back_to(property_id: uuid.UUID, section: str = "") -> RedirectResponse:
    anchor = f"#{section}" if section else ""
    return RedirectResponse(f"/app/properties/{property_id}{anchor}", status_code=303)
