"""The property page's question panel: add, edit, deactivate or activate, regenerate."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Caller
from api.dashboard.access import ViewerDep
from api.dashboard.forms import (
    CHECKED,
    FORM_ERRORS,
    back_to,
    field_text,
    flash,
    parse_id,
    problems,
    question_data,
)
from api.dashboard.property_page import refused
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.lookups import property_or_404, query_or_404
from api.schemas import (
    QueriesActivation,
    QueryCreate,
    QueryUpdate,
)
from api.services.panel import add_query, edit_query, generate_for, set_active
from db.models import Property, Query

router = APIRouter(prefix="/app/properties")


# --- the question panel ---------------------------------------------------------------------


async def _question(session: AsyncSession, prop: Property, query_id: str, caller: Caller) -> Query:
    row = await query_or_404(session, parse_id(query_id, "query"), caller)
    if row.property_id != prop.id:
        raise HTTPException(status_code=404, detail=f"query {query_id} not found")
    return row


@router.post("/{property_id}/queries", dependencies=CHECKED)
async def add_question(
    request: Request,
    property_id: str,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    caller: ViewerDep,
) -> Response:
    prop = await property_or_404(session, parse_id(property_id, "property"), caller)
    form = await request.form()
    values = {"query": {"text": field_text(form, "text"), "type": field_text(form, "type")}}
    try:
        body = QueryCreate.model_validate(question_data(form))
        row = await add_query(session, prop, body, settings)
    except ValidationError as exc:
        messages, status_code = problems(exc), 422
    except HTTPException as exc:
        if exc.status_code not in FORM_ERRORS:
            raise
        messages, status_code = [str(exc.detail).capitalize()], exc.status_code
    else:
        flash(request, f"Added: “{row.text}”.")
        return back_to(prop.id, "panel")
    return await refused(
        request, session, settings, temporal, caller, prop.id, "panel", messages,
        status_code=status_code, values=values,
    )  # fmt: skip


@router.post("/{property_id}/queries/generate", dependencies=CHECKED)
async def regenerate_panel(
    request: Request,
    property_id: str,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    caller: ViewerDep,
) -> Response:
    """Add what the generated panel lacks (from the profile as it is now); keep the rest."""
    prop = await property_or_404(session, parse_id(property_id, "property"), caller)
    try:
        made = await generate_for(session, prop, settings)
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
            "panel",
            [str(exc.detail).capitalize()],
            status_code=exc.status_code,
        )
    flash(
        request,
        f"The panel was regenerated: {made.generated} new questions, "
        f"{made.already_present} already there, {made.total} in all.",
    )
    return back_to(prop.id, "panel")


@router.post("/{property_id}/queries/{query_id}", dependencies=CHECKED)
async def edit_question(
    request: Request,
    property_id: str,
    query_id: str,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    caller: ViewerDep,
) -> Response:
    prop = await property_or_404(session, parse_id(property_id, "property"), caller)
    row = await _question(session, prop, query_id, caller)
    form = await request.form()
    before = row.text
    try:
        body = QueryUpdate.model_validate(question_data(form))
        await edit_query(session, row, body)
    except ValidationError as exc:
        messages, status_code = problems(exc), 422
    except HTTPException as exc:
        if exc.status_code not in FORM_ERRORS:
            raise
        messages, status_code = [str(exc.detail).capitalize()], exc.status_code
    else:
        flash(request, f"Saved: “{row.text}”.")
        return back_to(prop.id, "panel")
    return await refused(
        request, session, settings, temporal, caller, prop.id, "panel",
        [f"“{before}” was not changed. {m}" for m in messages], status_code=status_code,
    )  # fmt: skip


@router.post("/{property_id}/queries/{query_id}/active", dependencies=CHECKED)
async def switch_question(
    request: Request, property_id: str, query_id: str, session: SessionDep, caller: ViewerDep
) -> Response:
    """Deactivate a question (audits stop asking it) or activate it again."""
    prop = await property_or_404(session, parse_id(property_id, "property"), caller)
    row = await _question(session, prop, query_id, caller)
    form = await request.form()
    active = field_text(form, "is_active") == "true"
    await set_active(session, prop.id, QueriesActivation(is_active=active, query_ids=[row.id]))
    flash(request, f"{'Activated' if active else 'Deactivated'}: “{row.text}”.")
    return back_to(prop.id, "panel")
