"""Starting audits, following them live, steering them with signals, deleting closed ones."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response, status
from sqlalchemy import select

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.lookups import audit_or_404, property_or_404
from api.metrics import MetricsDep
from api.paging import Limit, Offset, paged
from api.ratelimit import paid_work
from api.schemas import AuditCreate, AuditEstimate, AuditStarted, AuditState
from api.services.audits import audit_state, started_body, state_from_db
from api.services.estimating import estimate_audit
from api.services.signals import signal_audit
from api.services.starting import begin_audit
from contracts.status import FINAL_AUDIT_STATUSES
from db import audits as audit_store
from db.models import Audit, Property

router = APIRouter(prefix="/audits", tags=["audits"])


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def start_audit(
    request: Request,
    body: AuditCreate,
    session: SessionDep,
    caller: CallerDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    metrics: MetricsDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    dry_run: Annotated[
        bool,
        Query(description="answer the calls, cost range and time it would take; start nothing"),
    ] = False,
) -> AuditStarted | AuditEstimate:
    """Start an audit (one SurfaceRun per surface) and return at once. Without a budget the
    deployment's default applies (`DEFAULT_MAX_COST_USD`); none may exceed its limit. With
    `dry_run=true`: 200 and the estimate, nothing started or stored (nor any of the caller's
    allowance of paid starts spent)."""
    if not dry_run:
        await paid_work(request, caller)
    prop = await property_or_404(session, body.property_id, caller)
    if dry_run:
        response.status_code = status.HTTP_200_OK
        return await estimate_audit(session, settings, prop, body)
    started = await begin_audit(session, temporal, settings, prop, body, idempotency_key)
    if started.created:
        metrics.audits_started.labels(mode=started.mode).inc()
    return started_body(settings, started.audit)


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
    stmt = caller.scope(select(Audit.id).join(Property, Property.id == Audit.property_id))
    if property_id is not None:
        stmt = stmt.where(Audit.property_id == property_id)
    ids = await paged(
        session, response, stmt, order_by=Audit.created_at.desc(), limit=limit, offset=offset
    )
    return [state_from_db(settings, a) for a in await audit_store.audits_by_ids(session, ids)]


@router.get("/{audit_id}")
async def read_audit(
    audit_id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    temporal: TemporalDep,
    settings: SettingsDep,
) -> AuditState:
    """Live from the workflows' `progress` queries while open; from the database once closed."""
    return await audit_state(settings, temporal, await audit_or_404(session, audit_id, caller))


@router.post("/{audit_id}/pause", status_code=status.HTTP_202_ACCEPTED)
async def pause_audit(
    audit_id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    temporal: TemporalDep,
    reason: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, str]:
    """No new LLM call starts until resume; `reason` is shown as the pause reason."""
    audit = await audit_or_404(session, audit_id, caller)
    return await signal_audit(temporal, audit, "pause", reason)


@router.post("/{audit_id}/resume", status_code=status.HTTP_202_ACCEPTED)
async def resume_audit(
    audit_id: uuid.UUID, session: SessionDep, caller: CallerDep, temporal: TemporalDep
) -> dict[str, str]:
    audit = await audit_or_404(session, audit_id, caller)
    return await signal_audit(temporal, audit, "resume")


@router.post("/{audit_id}/cancel", status_code=status.HTTP_202_ACCEPTED)
async def cancel_audit(
    audit_id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    temporal: TemporalDep,
    reason: Annotated[str | None, Query(max_length=500)] = None,
) -> dict[str, str]:
    """Stop asking, keep and score what was answered, close as cancelled."""
    audit = await audit_or_404(session, audit_id, caller)
    return await signal_audit(temporal, audit, "cancel", reason)


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
