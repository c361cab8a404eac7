"""A run: its detail, and deleting it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status

from api.auth import CallerDep
from api.deps import SessionDep
from api.lookups import run_or_404
from api.schemas import RunDetail
from api.services.runs import run_detail, score_with_errors
from contracts.status import FINAL_AUDIT_STATUSES
from db.audits import delete_run, get_audit
from db.runs import run_answers

router = APIRouter(prefix="/runs", tags=["runs"])


@router.get("/{run_id}")
async def read_run(
    run_id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    answers_limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    answers_offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> RunDetail:
    """The run, its score and a page of its answers (`answers_total` says how many)."""
    run = await run_or_404(session, run_id, caller)
    answers = await run_answers(session, run_id)
    detail = run_detail(run, answers[answers_offset : answers_offset + answers_limit])
    detail.answers_total = len(answers)
    detail.score = score_with_errors(run.score, answers)
    return detail


@router.delete("/{run_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_run(run_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Response:
    """Delete one run of a closed audit with its answers, citations and score (409 while its
    audit runs); an audit left without runs goes too."""
    run = await run_or_404(session, run_id, caller)
    audit = await get_audit(session, run.batch_id)
    if audit is not None and audit.status not in FINAL_AUDIT_STATUSES:
        raise HTTPException(
            status_code=409,
            detail=f"run {run_id} belongs to audit {audit.id}, which is {audit.status}; "
            "cancel it or wait until it closes",
        )
    await delete_run(session, run.id, run.batch_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
