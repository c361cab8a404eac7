"""The answers page: the answers behind a figure, with their evidence.

Every score, visibility figure and count on the dashboard links here with the filters of
`GET /answers` (`/app/answers?audit_id=…&surface=…&persona=…`); the page lists the matching
answers (paged) and exports them as CSV for a browser signed in with a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.dashboard.access import ViewerDep
from api.dashboard.templating import render
from api.deps import SessionDep, SettingsDep
from api.exports import csv_response
from api.lookups import property_or_404
from api.schemas.answers import AnswerEvidence
from api.services.answers import (
    CSV_HEADER,
    PAGE_ANSWERS,
    answer_filter,
    answers_filename,
    answers_link,
    authorize,
    csv_rows,
    filter_params,
    search,
)
from db.answer_search import AnswerFilter
from db.models import Property
from geo.segments import ANY_RENTER_LABEL

router = APIRouter(prefix=PAGE_ANSWERS)
PAGE_SIZE = 25
EXCERPT = 600
FilterDep = Annotated[AnswerFilter, Depends(answer_filter)]
NAMES = {
    "property_id": "property",
    "audit_id": "audit",
    "run_id": "run",
    "query_id": "question",
    "present": "names the property",
    "mentions": "names",
    "cites": "cites",
}


@dataclass(frozen=True)
class Chip:
    """An active filter, and the page without it."""

    name: str
    value: str
    without: str


def chips(f: AnswerFilter) -> list[Chip]:
    params = filter_params(f)
    shown = []
    for key, value in params.items():
        rest = {k: v for k, v in params.items() if k != key}
        text = ANY_RENTER_LABEL if key == "persona" and value == "" else str(value)
        if key == "present":
            text = "yes" if value else "no"
        shown.append(Chip(NAMES.get(key, key), text, answers_link(PAGE_ANSWERS, **rest)))
    return shown


def toggles(params: dict[str, object]) -> dict[str, str]:
    """The same answers narrowed to those naming the property, those not, or the errors."""
    rest = {k: v for k, v in params.items() if k not in ("present", "status")}
    return {
        "named": answers_link(PAGE_ANSWERS, **rest, present=True),
        "not named": answers_link(PAGE_ANSWERS, **rest, present=False),
        "errors": answers_link(PAGE_ANSWERS, **rest, status="error"),
    }


def excerpt(e: AnswerEvidence) -> str:
    text = " ".join(e.text.split())
    return text if len(text) <= EXCERPT else text[:EXCERPT].rsplit(" ", 1)[0] + " …"


@router.get("", response_class=HTMLResponse)
async def answers_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    caller: ViewerDep,
    f: FilterDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    """The matching answers, a page at a time (404 page for an id the viewer may not see)."""
    total, page = await search(session, caller, settings, f, limit=PAGE_SIZE, offset=offset)
    params = filter_params(f)
    property_id = f.property_id or (page[0].property_id if page else None)
    prop: Property | None = None
    if property_id is not None:
        prop = await property_or_404(session, property_id, caller)
    # Each run on this page once, with its workflow in the Temporal Web UI (for operators).
    workflows = {f"{e.surface} · run {e.run_id}": e.links.temporal_ui for e in page}
    return render(
        request,
        "answers.html",
        prop=prop,
        answers=page,
        total=total,
        offset=offset,
        size=PAGE_SIZE,
        chips=chips(f),
        f=f,
        excerpts={e.id: excerpt(e) for e in page},
        workflows=workflows,
        previous=answers_link(PAGE_ANSWERS, **params, offset=max(offset - PAGE_SIZE, 0))
        if offset
        else None,
        next=answers_link(PAGE_ANSWERS, **params, offset=offset + PAGE_SIZE)
        if offset + PAGE_SIZE < total
        else None,
        csv=answers_link(f"{PAGE_ANSWERS}/export", **params),
        json=answers_link(**params),
        toggles=toggles(params),
    )


@router.get("/export")
async def answers_export(
    request: Request, session: SessionDep, settings: SettingsDep, caller: ViewerDep, f: FilterDep
) -> Response:
    """Every matching answer as CSV, as `GET /answers?format=csv` streams it."""
    await authorize(session, caller, f)
    return csv_response(request, answers_filename(f), CSV_HEADER, csv_rows(settings, f))
