"""Steering an open audit through its workflow's signals: pause, resume, cancel."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from fastapi import HTTPException
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from api.errors import temporal_unreachable
from contracts.audit import AuditResult
from contracts.status import FINAL_AUDIT_STATUSES
from db.models import Audit
from workflows.property_audit import PropertyAuditWorkflow

Steer = Literal["pause", "resume", "cancel"]


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


async def signal_audit(
    temporal: Client, audit: Audit, name: Steer, reason: str | None = None
) -> dict[str, str]:
    """Send the signal; 409 when the audit is closed or its workflow gone, 503 when Temporal
    cannot be reached. `reason` goes with pause and cancel."""
    if audit.status in FINAL_AUDIT_STATUSES:
        raise HTTPException(
            status_code=409, detail=f"audit {audit.id} is already {audit.status}; nothing to {name}"
        )
    handle: WorkflowHandle[PropertyAuditWorkflow, AuditResult] = temporal.get_workflow_handle(
        audit.workflow_id, result_type=AuditResult
    )
    with _signalling(audit.id):
        match name:
            case "pause":
                await handle.signal(PropertyAuditWorkflow.pause, reason or None)
            case "resume":
                await handle.signal(PropertyAuditWorkflow.resume)
            case "cancel":
                await handle.signal(PropertyAuditWorkflow.cancel, reason or None)
    return {"audit_id": str(audit.id), "signal": name, "status": "sent"}
