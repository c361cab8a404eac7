"""A run: its detail, and deleting it."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException

from api.deps import SessionDep
from api.schemas import RunDetail
from api.services.runs import run_detail
from db.runs import get_run_detail, run_answers

router = APIRouter(prefix="/runs", tags=["runs"])


@router.get("/{run_id}")
async def read_run(run_id: uuid.UUID, session: SessionDep) -> RunDetail:
    run = await get_run_detail(session, run_id)
    if run is None:
        raise HTTPException(status_code=404, detail=f"run {run_id} not found")
    return run_detail(run, await run_answers(session, run_id))
