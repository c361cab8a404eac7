"""A run: its detail, and deleting it."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Response, status

from api.auth import CallerDep
from api.deps import SessionDep
from api.schemas import RunDetail
from api.services.runs import run_detail
from db.audits import FINAL_AUDIT_STATUSES, delete_run, get_audit
from db.runs import get_run_detail, run_answers

router = APIRouter(prefix="/runs", tags=["runs"])


@router.get("/{run_id}")
async def read_run(run_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> RunDetail:
    run = await get_run_detail(session, run_id)
    if run is None:
        raise HTTPException(status_code=404, detail=f"run {run_id} not found")
    return run_detail(run, await run_answers(session, run_id))


@router.delete("/{run_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_run(run_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Response:
    """Delete one run of a closed audit with its answers, citations and score (409 while its
    audit runs); an audit left without runs goes too."""
    run = await get_run_detail(session, run_id)
    if run is None:
        raise HTTPException(status_code=404, detail=f"run {run_id} not found")
    audit = await get_audit(session, run.batch_id)
    if audit is not None and audit.status not in FINAL_AUDIT_STATUSES:
        raise HTTPException(
            status_code=409,
            detail=f"run {run_id} belongs to audit {audit.id}, which is {audit.status}; "
            "cancel it or wait until it closes",
        )
    await delete_run(session, run.id, run.batch_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
