"""The answers behind every figure, filtered; as JSON or CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep
from api.exports import CSV_RESPONSE, Format, csv_response
from api.paging import Limit, Offset, total_header
from api.schemas.answers import AnswerEvidence
from api.services.answers import (
    CSV_HEADER,
    answer_filter,
    answers_filename,
    authorize,
    csv_rows,
    search,
)
from db.answer_search import AnswerFilter

router = APIRouter(tags=["answers"])


@router.get("/answers", response_model=list[AnswerEvidence], responses=CSV_RESPONSE)
async def list_answers(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
    settings: SettingsDep,
    f: Annotated[AnswerFilter, Depends(answer_filter)],
    limit: Limit = 50,
    offset: Offset = 0,
    format: Format = "json",
) -> list[AnswerEvidence] | Response:
    """The stored answers behind a score, a visibility figure or a competitor count, newest
    audit first (`X-Total-Count`: how many match). Name at least one of `property_id`,
    `audit_id`, `run_id`; every other filter narrows further. `mentions`: answers whose list
    names this entity (whole name, any case, or its domain); `cites`: answers citing this page
    (host case and a trailing slash ignored); `persona=` (empty): the general panel's questions.
    `format=csv` streams every match (no paging), one row per answer."""
    if format == "csv":
        await authorize(session, caller, f)
        return csv_response(request, answers_filename(f), CSV_HEADER, csv_rows(settings, f))
    total, page = await search(session, caller, settings, f, limit=limit, offset=offset)
    total_header(response, total)
    return page
