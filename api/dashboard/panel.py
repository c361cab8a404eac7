"""The property page's question panel: add, edit, deactivate or activate, regenerate (for
personas and in languages)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from starlette.datastructures import FormData

from api.dashboard.forms import CHECKED, Refusal, field_text, parse_id, question_data
from api.dashboard.property_page import PageDep, PropertyPage
from api.dashboard.templating import TEMPLATES
from api.lookups import query_or_404
from api.schemas import QueriesActivation, QueryCreate, QueryUpdate
from api.schemas.queries import PanelRequest
from api.services.panel import add_query, edit_query, generate_for, set_active
from db.models import Query
from geo.personas import PERSONAS

router = APIRouter(prefix="/app/properties")

# What the panel's template shows and offers: persona and language names. Globals, because the
# page's context is built by property_page.py for every section.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
TEMPLATES.env.globals.update(
    panel_personas=[(p.key, p.label["en"]) for p in PERSONAS.values()],
    persona_names={p.key: p.label["en"] for p in PERSONAS.values()},
    panel_languages=list(LANGUAGE_NAMES.items()),
)


# --- the question panel ---------------------------------------------------------------------


async def _question(page: PropertyPage, query_id: str) -> Query:
    """A question of this property: one of another property is not found here (404)."""
    row = await query_or_404(page.session, parse_id(query_id, "query"), page.caller)
    if row.property_id != page.prop.id:
        raise HTTPException(status_code=404, detail=f"query {query_id} not found")
    return row


@router.post("/{property_id}/queries", dependencies=CHECKED)
async def add_question(page: PageDep) -> Response:
    form = await page.request.form()

    async def add() -> str:
        body = QueryCreate.model_validate(question_data(form))
        row = await add_query(page.session, page.prop, body, page.settings)
        return f"Added: “{row.text}”."

    values = {"query": {"text": field_text(form, "text"), "type": field_text(form, "type")}}
    return await page.submit("panel", add, values=values)


@router.post("/{property_id}/queries/generate", dependencies=CHECKED)
async def regenerate_panel(page: PageDep) -> Response:
    """Add what the generated panel lacks (from the profile as it is now); keep the rest."""

    form = await page.request.form()

    async def regenerate() -> str:
        data = panel_data(form)
        body = PanelRequest.model_validate(data) if data is not None else None
        made = await generate_for(page.session, page.prop, page.settings, body)
        who = f" for {', '.join(made.personas)}" if made.personas else ""
        return (
            f"The panel was regenerated{who} ({', '.join(made.languages)}): "
            f"{made.generated} new questions, {made.already_present} already there, "
            f"{made.total} in all."
        )

    return await page.submit("panel", regenerate)


def panel_data(form: FormData) -> dict[str, Any] | None:
    """The regenerate form as a PanelRequest body; None (the general panel in English) for a
    plain button without the choices."""
    if not field_text(form, "options"):
        return None
    data = {
        "general": field_text(form, "general") == "on",
        "personas": [p for p in form.getlist("personas") if isinstance(p, str)],
        "languages": [lang for lang in form.getlist("languages") if isinstance(lang, str)],
    }
    if not data["languages"]:
        raise Refusal(["Choose at least one language."])
    if not data["general"] and not data["personas"]:
        raise Refusal(["Choose the general questions, a persona, or both."])
    return data


@router.post("/{property_id}/queries/{query_id}", dependencies=CHECKED)
async def edit_question(page: PageDep, query_id: str) -> Response:
    row = await _question(page, query_id)
    form = await page.request.form()
    before = row.text  # the refusal names the question as it was, not as it was sent

    async def edit() -> str:
        await edit_query(page.session, row, QueryUpdate.model_validate(question_data(form)))
        return f"Saved: “{row.text}”."

    return await page.submit("panel", edit, preface=f"“{before}” was not changed. ")


@router.post("/{property_id}/queries/{query_id}/active", dependencies=CHECKED)
async def switch_question(page: PageDep, query_id: str) -> Response:
    """Deactivate a question (audits stop asking it) or activate it again."""
    row = await _question(page, query_id)
    form = await page.request.form()
    active = field_text(form, "is_active") == "true"
    change = QueriesActivation(is_active=active, query_ids=[row.id])
    await set_active(page.session, page.prop.id, change)
    return page.done(f"{'Activated' if active else 'Deactivated'}: “{row.text}”.", "panel")
