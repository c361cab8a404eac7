"""Starting audits, following them live, steering them with signals, deleting closed ones."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Response, status
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.errors import temporal_unreachable
from api.lookups import audit_or_404, property_or_404
from api.metrics import MetricsDep
from api.paging import Limit, Offset, total_header
from api.ratelimit import paid_work
from api.schemas import AuditCreate, AuditStarted, AuditState
from api.services.audits import (
    Refused,
    audit_request,
    live_progress,
    start_workflow,
    started_body,
    state_from_db,
)
from contracts.status import FINAL_AUDIT_STATUSES
from db import audits as audit_store
from db.audits import AuditRequest, NoActiveQueries
from db.models import Audit, Property
from workflows.property_audit import PropertyAuditWorkflow

router = APIRouter(prefix="/audits", tags=["audits"])
log = logging.getLogger("propertyaudit.api")
UNAVAILABLE = "Temporal is unavailable; nothing was started, try again shortly"


@router.post("", status_code=status.HTTP_202_ACCEPTED, dependencies=[Depends(paid_work)])
async def start_audit(
    body: AuditCreate,
    session: SessionDep,
    caller: CallerDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    metrics: MetricsDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> AuditStarted:
    """Start an audit (one SurfaceRun per surface) and return at once. Without a budget the
    deployment's default applies (`DEFAULT_MAX_COST_USD`); none may exceed its limit."""
    prop = await property_or_404(session, body.property_id, caller)
    if idempotency_key:
        existing = await audit_store.find_by_idempotency_key(session, prop.id, idempotency_key)
        if existing is not None:
            return started_body(settings, existing)
    try:
        request = audit_request(settings, prop.id, body, idempotency_key)
    except Refused as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    audit, created = await _open(session, request)
    if created:
        await _start_or_withdraw(session, temporal, audit, prop, paused=body.paused)
        metrics.audits_started.labels(mode=request.mode).inc()
    return started_body(settings, audit)


async def _open(session: SessionDep, request: AuditRequest) -> tuple[Audit, bool]:
    """(the new audit, True) once committed; or (the audit a concurrent retry with the same
    Idempotency-Key made, False)."""
    try:
        await audit_store.open_audit(session, request)
        # The worker must see these rows before the workflow's first activity reads them.
        await session.commit()
    except NoActiveQueries as exc:
        raise HTTPException(
            status_code=409,
            detail="the property has no active queries; "
            f"POST /properties/{request.property_id}/queries/generate first",
        ) from exc
    except IntegrityError as exc:
        await session.rollback()
        again = await audit_store.find_by_idempotency_key(
            session, request.property_id, request.idempotency_key or ""
        )
        if again is None:
            raise HTTPException(status_code=409, detail="conflicting audit start") from exc
        return again, False
    audit = await audit_store.get_audit(session, request.audit_id)
    assert audit is not None  # committed above
    return audit, True


async def _start_or_withdraw(
    session: SessionDep, temporal: TemporalDep, audit: Audit, prop: Property, *, paused: bool
) -> None:
    """Start the workflow; if Temporal cannot be reached, take the audit back (a row without
    its workflow would wait in `queued` for nothing) and answer 503."""
    try:
        await start_workflow(temporal, audit, prop, paused=paused)
    except (RPCError, RuntimeError) as exc:
        if not temporal_unreachable(exc):
            raise
        log.warning("could not start %s: %s", audit.workflow_id, exc)
        await audit_store.delete_audit(session, audit.id)
        await session.commit()
        raise HTTPException(
            status_code=503, detail=UNAVAILABLE, headers={"Retry-After": "5"}
        ) from exc


@router.get("")
async def list_audits(
    session: SessionDep,
    caller: CallerDep,
    settings: SettingsDep,
    response: Response,
    property_id: uuid.UUID | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> list[AuditState]:
    """The caller's audits, newest first (`X-Total-Count`: how many in all)."""
    stmt = select(Audit.id).join(Property, Property.id == Audit.property_id)
    if not caller.admin:
        stmt = stmt.where(Property.org_id == caller.org_id)
    if property_id is not None:
        stmt = stmt.where(Audit.property_id == property_id)
    total_header(response, await session.scalar(select(func.count()).select_from(stmt.subquery())))
    rows = await audit_store.audits_by_ids(
        session,
        list(
            (
                await session.scalars(
                    stmt.order_by(Audit.created_at.desc()).limit(limit).offset(offset)
                )
            ).all()
        ),
    )
    return [state_from_db(settings, a) for a in rows]


@router.get("/{audit_id}")
async def read_audit(
    audit_id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> AuditState:
    """Live from the workflows' `progress` queries while open; from the database once closed."""
    audit = await audit_or_404(session, audit_id, caller)
    if audit.status in FINAL_AUDIT_STATUSES:
        return state_from_db(settings, audit)
    live, children = await live_progress(temporal, audit)
    return state_from_db(settings, audit, live, children)


async def _open_handle(
    session: SessionDep, caller: CallerDep, temporal: TemporalDep, audit_id: uuid.UUID, verb: str
) -> WorkflowHandle[PropertyAuditWorkflow, Any]:
    audit = await audit_or_404(session, audit_id, caller)
    if audit.status in FINAL_AUDIT_STATUSES:
        raise HTTPException(
            status_code=409, detail=f"audit {audit_id} is already {audit.status}; nothing to {verb}"
        )
    return temporal.get_workflow_handle_for(PropertyAuditWorkflow.run, audit.workflow_id)


@contextmanager
def _signalling(audit_id: uuid.UUID) -> Iterator[None]:
    try:
        yield
    except (RPCError, RuntimeError) as exc:
        if not temporal_unreachable(exc):
            raise
        if isinstance(exc, RPCError) and exc.status == RPCStatusCode.NOT_FOUND:
            raise HTTPException(
                status_code=409, detail=f"audit {audit_id} is no longer running: {exc.message}"
            ) from exc
        raise HTTPException(
            status_code=503, detail="Temporal is unavailable; the signal was not sent"
        ) from exc


def _sent(audit_id: uuid.UUID, name: str) -> dict[str, str]:
    return {"audit_id": str(audit_id), "signal": name, "status": "sent"}


@router.post("/{audit_id}/pause", status_code=status.HTTP_202_ACCEPTED)
async def pause_audit(
    audit_id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    temporal: TemporalDep,
    reason: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, str]:
    """No new LLM call starts until resume; `reason` is shown as the pause reason."""
    handle = await _open_handle(session, caller, temporal, audit_id, "pause")
    with _signalling(audit_id):
        await handle.signal(PropertyAuditWorkflow.pause, reason or None)
    return _sent(audit_id, "pause")


@router.post("/{audit_id}/resume", status_code=status.HTTP_202_ACCEPTED)
async def resume_audit(
    audit_id: uuid.UUID, session: SessionDep, caller: CallerDep, temporal: TemporalDep
) -> dict[str, str]:
    handle = await _open_handle(session, caller, temporal, audit_id, "resume")
    with _signalling(audit_id):
        await handle.signal(PropertyAuditWorkflow.resume)
    return _sent(audit_id, "resume")


@router.post("/{audit_id}/cancel", status_code=status.HTTP_202_ACCEPTED)
async def cancel_audit(
    audit_id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    temporal: TemporalDep,
    reason: Annotated[str | None, Query(max_length=500)] = None,
) -> dict[str, str]:
    """Stop asking, keep and score what was answered, close as cancelled."""
    handle = await _open_handle(session, caller, temporal, audit_id, "cancel")
    with _signalling(audit_id):
        await handle.signal(PropertyAuditWorkflow.cancel, reason or None)
    return _sent(audit_id, "cancel")


@router.delete("/{audit_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_audit(audit_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Response:
    """Delete a closed audit with its runs, answers, citations, scores and insights (409 while
    it runs: cancel it first)."""
    audit = await audit_or_404(session, audit_id, caller)
    if audit.status not in FINAL_AUDIT_STATUSES:
        raise HTTPException(
            status_code=409, detail=f"audit {audit_id} is {audit.status}; cancel it first"
        )
    await audit_store.delete_audit(session, audit.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
