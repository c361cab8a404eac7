"""The property pages: a new property's form, a property's page (standing, history, the latest
audit seen several ways), its profile and the forms that start an audit; the question panel and
the schedule have their own modules. Every change goes through the API's own services with the
API's own schemas; a form the schemas refuse comes back with what to fix (422), never a
traceback or JSON."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.dashboard.access import ViewerDep
from api.dashboard.forms import (
    CHECKED,
    PAID,
    back_to,
    field_text,
    flash,
    option_values,
    options_data,
    problems,
    profile_data,
    profile_values,
    surfaces_chosen,
)
from api.dashboard.property_page import PageDep
from api.dashboard.templating import render
from api.deps import SessionDep, SettingsDep
from api.metrics import MetricsDep
from api.schemas import AuditCreate, PropertyCreate, PropertyUpdate
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
async def property_page(page: PageDep) -> HTMLResponse:
    return await page.show()


@router.post("/{property_id}/profile", dependencies=CHECKED)
async def update_profile(page: PageDep) -> Response:
    form = await page.request.form()

    async def save() -> str:
        body = PropertyUpdate.model_validate(profile_data(form))
        apply_profile(page.prop, profile_fields(body, page.settings))
        await page.session.flush()
        return "The profile was saved. Regenerate the panel to ask about what changed."

    return await page.submit("profile", save, values={"profile": profile_values(form)})


# --- starting an audit ----------------------------------------------------------------------


@router.post("/{property_id}/audits", dependencies=PAID)
async def start_audit(page: PageDep, metrics: MetricsDep) -> Response:
    """Start an audit with the defaults, or with the options form's choices; then its page."""
    form = await page.request.form()
    values = {"options": option_values(form)} if field_text(form, "options") else {}

    async def start() -> Response:
        body = AuditCreate.model_validate(
            surfaces_chosen({"property_id": page.prop.id, **options_data(form)})
        )
        key = field_text(form, "idempotency_key")[:200] or None
        started = await begin_audit(
            page.session, page.temporal, page.settings, page.prop, body, key
        )
        if started.created:
            metrics.audits_started.labels(mode=started.mode).inc()
        return RedirectResponse(f"/app/audits/{started.audit.id}", status_code=303)

    # The audit's refusals name surfaces and settings as configured: shown as written.
    return await page.submit("start", start, values=values, capitalize=False)
