"""The property pages: a new property's form, a property's page (standing, history, the latest
audit seen several ways), its profile and the forms that start an audit; the question panel and
the schedule have their own modules. Every change goes through the API's own services with the
API's own schemas; a form the schemas refuse comes back with what to fix (422), never a
traceback or JSON."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

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
    profile_data,
    profile_values,
)
from api.dashboard.property_page import property_page_response, refused
from api.dashboard.templating import render
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.lookups import property_or_404
from api.metrics import MetricsDep
from api.schemas import (
    AuditCreate,
    PropertyCreate,
    PropertyUpdate,
)
from api.services.panel import generate_for
from api.services.properties import new_property, profile_fields
from api.services.starting import begin_audit
from db.properties import apply_profile

router = APIRouter(prefix="/app/properties")


# --- a new property -------------------------------------------------------------------------


@router.get("/new", response_class=HTMLResponse)
async def new_property_page(request: Request, caller: ViewerDep) -> HTMLResponse:
    return render(request, "property_new.html", profile=profile_values(), errors=[], generate=True)


@router.post("", dependencies=CHECKED)
async def create_property(
    request: Request, session: SessionDep, settings: SettingsDep, caller: ViewerDep
) -> Response:
    form = await request.form()
    try:
        body = PropertyCreate.model_validate(profile_data(form))
    except ValidationError as exc:
        return render(
            request,
            "property_new.html",
            422,
            profile=profile_values(form),
            errors=problems(exc),
            generate=field_text(form, "generate") == "on",
        )
    prop = await new_property(session, caller, body, settings)
    message = f"{prop.name} was created."
    if field_text(form, "generate") == "on":
        made = await generate_for(session, prop, settings)
        message += f" Its panel holds {made.total} questions; start an audit when ready."
    flash(request, message)
    return back_to(prop.id)


# --- the property page ----------------------------------------------------------------------


@router.get("/{property_id}", response_class=HTMLResponse)
async def property_page(
    request: Request,
    property_id: str,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    caller: ViewerDep,
) -> HTMLResponse:
    prop = await property_or_404(session, parse_id(property_id, "property"), caller)
    return await property_page_response(request, session, settings, temporal, prop)


@router.post("/{property_id}/profile", dependencies=CHECKED)
async def update_profile(
    request: Request,
    property_id: str,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    caller: ViewerDep,
) -> Response:
    prop = await property_or_404(session, parse_id(property_id, "property"), caller)
    form = await request.form()
    try:
        body = PropertyUpdate.model_validate(profile_data(form))
    except ValidationError as exc:
        return await refused(
            request,
            session,
            settings,
            temporal,
            caller,
            prop.id,
            "profile",
            problems(exc),
            values={"profile": profile_values(form)},
        )
    apply_profile(prop, profile_fields(body, settings))
    await session.flush()
    flash(request, "The profile was saved. Regenerate the panel to ask about what changed.")
    return back_to(prop.id, "profile")


# --- starting an audit ----------------------------------------------------------------------


@router.post("/{property_id}/audits", dependencies=PAID)
async def start_audit(
    request: Request,
    property_id: str,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    metrics: MetricsDep,
    caller: ViewerDep,
) -> Response:
    """Start an audit with the defaults, or with the options form's choices; then its page."""
    prop = await property_or_404(session, parse_id(property_id, "property"), caller)
    form = await request.form()
    values = {"options": option_values(form)} if field_text(form, "options") else {}
    data = {"property_id": prop.id, **options_data(form)}
    if "surfaces" in data and not data["surfaces"]:
        return await refused(
            request,
            session,
            settings,
            temporal,
            caller,
            prop.id,
            "start",
            ["Choose at least one surface to ask."],
            values=values,
        )
    try:
        body = AuditCreate.model_validate(data)
    except ValidationError as exc:
        return await refused(
            request,
            session,
            settings,
            temporal,
            caller,
            prop.id,
            "start",
            problems(exc),
            values=values,
        )
    key = field_text(form, "idempotency_key")
    try:
        started = await begin_audit(session, temporal, settings, prop, body, key[:200] or None)
    except HTTPException as exc:
        if exc.status_code not in FORM_ERRORS:
            raise
        return await refused(
            request,
            session,
            settings,
            temporal,
            caller,
            prop.id,
            "start",
            [str(exc.detail)],
            status_code=exc.status_code,
            values=values,
            headers=exc.headers,
        )
    if started.created:
        metrics.audits_started.labels(mode=started.mode).inc()
    return RedirectResponse(f"/app/audits/{started.audit.id}", status_code=303)
