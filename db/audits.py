"""Audits (batches) and the run rows that belong to them."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from contracts.audit import AuditInput
from contracts.names import audit_workflow_id, surface_workflow_id
from contracts.status import (
    FINAL_AUDIT_STATUSES,
    FINAL_RUN_STATUSES,
    AuditStatus,
    RunStatus,
)
from db.models import Audit, Run, utcnow
from db.properties import count_active_queries
from geo.location import AskerLocation
from geo.scoring import SCORING_VERSION
from surfaces.config import SurfaceConfig

PAUSABLE = (AuditStatus.RUNNING, AuditStatus.PAUSED)


async def find_by_idempotency_key(
    session: AsyncSession, property_id: uuid.UUID, key: str
) -> Audit | None:
    return await session.scalar(
        select(Audit)
        .where(Audit.property_id == property_id, Audit.idempotency_key == key)
        .options(selectinload(Audit.runs).selectinload(Run.score))
    )


class NoActiveQueries(LookupError):
    """The property has no active question to ask."""


@dataclass(frozen=True)
class AuditRequest:
    """An audit as a start asks for it, from the API or from a Schedule."""

    property_id: uuid.UUID
    surfaces: Sequence[SurfaceConfig]
    mode: str = "structured"
    web_search: bool = False
    samples_per_query: int = 1
    max_cost_usd: float | None = None
    asker_location: AskerLocation | None = None
    idempotency_key: str | None = None
    audit_id: uuid.UUID = field(default_factory=uuid.uuid4)
    # A Schedule names the workflow itself; otherwise the contract of names does.
    workflow_id: str | None = None


async def open_audit(session: AsyncSession, request: AuditRequest) -> Audit:
    """The one way an audit is made: the audit and a queued run per surface over the
    property's active panel, each run with its surface's model, whether that surface really
    searches when web search is asked, and its child workflow's id."""
    query_count = await count_active_queries(session, request.property_id)
    if not query_count:
        raise NoActiveQueries(f"property {request.property_id} has no active queries")
    audit_id = str(request.audit_id)
    names = [s.name for s in request.surfaces]
    audit = Audit(
        id=request.audit_id,
        property_id=request.property_id,
        status=AuditStatus.QUEUED,
        surfaces=names,
        mode=request.mode,
        web_search=request.web_search,
        samples_per_query=request.samples_per_query,
        batch_size=len(names),
        query_count=query_count,
        workflow_id=request.workflow_id or audit_workflow_id(audit_id),
        idempotency_key=request.idempotency_key,
        max_cost_usd=request.max_cost_usd,
        asker_location=(
            request.asker_location.model_dump(mode="json") if request.asker_location else None
        ),
        scoring_version=SCORING_VERSION,
    )
    audit.runs = [
        Run(
            property_id=request.property_id,
            surface=surface.name,
            model_name=surface.model,
            status=RunStatus.QUEUED,
            workflow_id=surface_workflow_id(audit_id, surface.name),
            batch_size=len(names),
            query_count=query_count,
            total_asks=query_count * request.samples_per_query,
            uses_web_search=surface.capabilities.searches(request.web_search),
            mode=request.mode,
        )
        for surface in request.surfaces
    ]
    session.add(audit)
    await session.flush()
    return audit


def workflow_input(audit: Audit) -> AuditInput:
    """The PropertyAudit workflow's input for an audit and its runs."""
    return AuditInput(
        audit_id=str(audit.id),
        property_id=str(audit.property_id),
        surfaces=list(audit.surfaces),
        run_ids={r.surface: str(r.id) for r in audit.runs},
        mode=audit.mode,
        web_search=audit.web_search,
        samples_per_query=audit.samples_per_query,
        max_cost_usd=audit.max_cost_usd,
        asker_location=(
            AskerLocation.model_validate(audit.asker_location) if audit.asker_location else None
        ),
    )


async def get_audit(session: AsyncSession, audit_id: uuid.UUID) -> Audit | None:
    return await session.scalar(
        select(Audit)
        .where(Audit.id == audit_id)
        .options(selectinload(Audit.runs).selectinload(Run.score))
    )


async def recent_audits(
    session: AsyncSession, property_id: uuid.UUID, limit: int = 10
) -> list[Audit]:
    """A property's newest audits, whatever their status, with their runs and scores."""
    rows = await session.scalars(
        select(Audit)
        .where(Audit.property_id == property_id)
        .order_by(Audit.created_at.desc())
        .limit(limit)
        .options(selectinload(Audit.runs).selectinload(Run.score))
    )
    return list(rows.all())


async def audits_by_ids(session: AsyncSession, ids: list[uuid.UUID]) -> list[Audit]:
    """The audits with their runs and scores, in the order of `ids`."""
    if not ids:
        return []
    stmt = (
        select(Audit)
        .where(Audit.id.in_(ids))
        .options(selectinload(Audit.runs).selectinload(Run.score))
    )
    found = {a.id: a for a in (await session.scalars(stmt)).all()}
    return [found[i] for i in ids if i in found]


async def mark_running(session: AsyncSession, audit_id: uuid.UUID) -> None:
    await session.execute(
        update(Audit)
        .where(Audit.id == audit_id, Audit.status == AuditStatus.QUEUED)
        .values(status=AuditStatus.RUNNING, started_at=utcnow())
    )


async def set_status(
    session: AsyncSession,
    audit_id: uuid.UUID,
    status: str,
    *,
    run_ids: list[uuid.UUID],
    error_message: str | None = None,
) -> None:
    """Move an open audit (and its open runs) to a status; closed ones are left alone."""
    await session.execute(
        update(Audit)
        .where(Audit.id == audit_id, Audit.status.not_in(FINAL_AUDIT_STATUSES))
        .values(**_moved_to(status, FINAL_AUDIT_STATUSES, error_message))
    )
    if run_ids:
        run_status = RunStatus.FAILED if status == AuditStatus.PARTIAL else status
        await session.execute(
            update(Run)
            .where(Run.id.in_(run_ids), Run.status.not_in(FINAL_RUN_STATUSES))
            .values(**_moved_to(run_status, FINAL_RUN_STATUSES, error_message))
        )


def _moved_to(status: str, final: Collection[str], error_message: str | None) -> dict[str, object]:
    """The columns a move to `status` sets: the finish time when it closes, and the error."""
    values: dict[str, object] = {"status": status}
    if status in final:
        values["finished_at"] = utcnow()
    if error_message:
        values["error_message"] = error_message
    return values


def batch_status(run_statuses: list[str]) -> AuditStatus:
    """complete when every run completed; failed when none did; cancelled wins; else partial."""
    if run_statuses and all(s == RunStatus.COMPLETED for s in run_statuses):
        return AuditStatus.COMPLETED
    cancelled = any(s == RunStatus.CANCELLED for s in run_statuses)
    if cancelled and not any(s == RunStatus.FAILED for s in run_statuses):
        return AuditStatus.CANCELLED
    if not any(s == RunStatus.COMPLETED for s in run_statuses):
        return AuditStatus.FAILED
    return AuditStatus.PARTIAL


async def complete_batch(session: AsyncSession, audit_id: uuid.UUID) -> tuple[str, bool]:
    """Record batch completion once; returns (status, whether this call recorded it)."""
    audit = await get_audit(session, audit_id)
    if audit is None:
        raise LookupError(f"audit {audit_id} not found")
    if audit.batch_completed_at is not None:
        return audit.status, False
    status = batch_status([run.status for run in audit.runs])
    now = utcnow()
    result = await session.execute(
        update(Audit)
        .where(Audit.id == audit_id, Audit.batch_completed_at.is_(None))
        .values(status=status, batch_completed_at=now, finished_at=now)
    )
    return status, bool(getattr(result, "rowcount", 0))


async def close_run(
    session: AsyncSession, run_id: uuid.UUID, status: str, error_message: str | None
) -> None:
    """Give a run still open its final status (a child that died before closing it)."""
    if status not in FINAL_RUN_STATUSES:
        status = RunStatus.FAILED
    values: dict[str, object] = {"status": status, "finished_at": utcnow()}
    if error_message:
        values["error_message"] = error_message[:2000]
    await session.execute(
        update(Run).where(Run.id == run_id, Run.status.not_in(FINAL_RUN_STATUSES)).values(**values)
    )


async def set_paused(
    session: AsyncSession,
    *,
    paused: bool,
    audit_id: uuid.UUID | None = None,
    run_id: uuid.UUID | None = None,
    reason: str | None = None,
) -> None:
    """Flip an open audit or run between running and paused; closed ones are left alone."""
    status = AuditStatus.PAUSED if paused else AuditStatus.RUNNING
    if audit_id is not None:
        await session.execute(
            update(Audit)
            .where(Audit.id == audit_id, Audit.status.in_(PAUSABLE))
            .values(status=status, pause_reason=(reason or "")[:200] or None if paused else None)
        )
    if run_id is not None:
        await session.execute(
            update(Run)
            .where(Run.id == run_id, Run.status.in_(PAUSABLE))
            .values(status=status, last_updated_at=utcnow())
        )


async def delete_audit(session: AsyncSession, audit_id: uuid.UUID) -> None:
    """The audit and everything under it (the database cascades: runs, answers, citations,
    scores, revisions)."""
    await session.execute(delete(Audit).where(Audit.id == audit_id))


async def delete_run(session: AsyncSession, run_id: uuid.UUID, audit_id: uuid.UUID) -> None:
    """One run and everything under it; its audit too when no run is left."""
    await session.execute(delete(Run).where(Run.id == run_id))
    left = await session.scalar(select(Run.id).where(Run.batch_id == audit_id).limit(1))
    if left is None:
        await delete_audit(session, audit_id)
