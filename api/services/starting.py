"""Starting an audit: what a request asks for with the deployment's defaults filled in, its rows,
and its workflow. One place for the API's start, its retries and the reconciler that starts
what a crash left queued."""

from __future__ import annotations

import logging
import uuid
from typing import NamedTuple

from fastapi import HTTPException
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
)
from temporalio.service import RPCError

from api.errors import temporal_unreachable
from api.schemas import AuditCreate, AuditOptions
from config.settings import Settings
from contracts.names import AUDIT_ID, AUDIT_STATUS, PROPERTY_ID, TASK_QUEUE
from db import audits as audit_store
from db.audits import AuditRequest, NoActiveQueries, workflow_input
from db.models import Audit, Property
from geo.location import AskerLocation
from workflows.property_audit import PropertyAuditWorkflow

log = logging.getLogger("propertyaudit.api")
UNAVAILABLE = "Temporal is unavailable; nothing was started, try again shortly"


class Refused(ValueError):
    """A start request the settings do not allow (answered 422 with this message)."""


class Resolved(NamedTuple):
    """An audit's options with the deployment's defaults in place of what was left unset."""

    surfaces: list[str]
    mode: str
    web_search: bool
    samples_per_query: int
    asker_location: AskerLocation | None


def resolve_surfaces(settings: Settings, requested: list[str] | None) -> list[str]:
    """The surfaces asked for, or the configured defaults; every one must be configured."""
    configured = settings.surface_configs()
    defaults = [name for name, cfg in configured.items() if cfg.default]
    surfaces = list(dict.fromkeys(requested or defaults))
    unknown = [s for s in surfaces if s not in configured]
    if unknown:
        raise Refused(f"unknown surfaces {unknown}; configured: {sorted(configured)}")
    return surfaces


def resolve(settings: Settings, options: AuditOptions) -> Resolved:
    """Refused for a surface that is not configured."""
    return Resolved(
        surfaces=resolve_surfaces(settings, options.surfaces),
        mode=options.mode or settings.geo_audit_mode,
        web_search=(
            settings.geo_enable_web_search if options.web_search is None else options.web_search
        ),
        samples_per_query=options.samples_per_query,
        asker_location=options.asker_location.location() if options.asker_location else None,
    )


def budget(settings: Settings, requested: float | None) -> float | None:
    """The audit's spending cap: the one asked for, or the default; never above the limit."""
    if requested is not None and requested > settings.max_cost_usd_limit:
        raise Refused(
            f"max_cost_usd {requested} is above this deployment's limit "
            f"of {settings.max_cost_usd_limit} (MAX_COST_USD_LIMIT)"
        )
    return requested if requested is not None else settings.default_max_cost_usd


def audit_request(
    settings: Settings, property_id: uuid.UUID, body: AuditCreate, idempotency_key: str | None
) -> AuditRequest:
    """What the body asks for, with the deployment's defaults filled in; Refused when the
    settings do not allow it."""
    options = resolve(settings, body)
    configured = settings.surface_configs()
    return AuditRequest(
        property_id=property_id,
        surfaces=[configured[s] for s in options.surfaces],
        mode=options.mode,
        web_search=options.web_search,
        samples_per_query=options.samples_per_query,
        max_cost_usd=budget(settings, body.max_cost_usd),
        asker_location=options.asker_location,
        idempotency_key=idempotency_key,
    )


async def open_or_reuse(session: AsyncSession, request: AuditRequest) -> tuple[Audit, bool]:
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


async def start_workflow(temporal: Client, audit: Audit, prop: Property, *, paused: bool) -> None:
    """Start the audit's workflow; starting one that already exists is a no-op. RPCError when
    Temporal cannot be reached."""
    surfaces = ", ".join(audit.surfaces)
    await temporal.start_workflow(
        PropertyAuditWorkflow.run,
        workflow_input(audit),
        id=audit.workflow_id,
        task_queue=TASK_QUEUE,
        # A client retrying after a crash between commit and start reaches the same run.
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        start_signal="pause" if paused else None,
        search_attributes=TypedSearchAttributes(
            [
                SearchAttributePair(PROPERTY_ID, str(prop.id)),
                SearchAttributePair(AUDIT_ID, str(audit.id)),
                SearchAttributePair(AUDIT_STATUS, "queued"),
            ]
        ),
        static_summary=f"{prop.name} · {surfaces} · {audit.query_count} queries",
        static_details=(
            f"**Property:** {prop.name} ({prop.city}, {prop.state})\n"
            f"**Surfaces:** {surfaces}\n"
            f"**Mode:** {audit.mode} · samples per query: {audit.samples_per_query}\n"
            f"**Panel:** {audit.query_count} queries"
            + (f"\n**Asked from:** {_place(audit)}" if audit.asker_location else "")
        ),
    )


def _place(audit: Audit) -> str:
    return AskerLocation.model_validate(audit.asker_location).label()


async def start_or_withdraw(
    session: AsyncSession, temporal: Client, audit: Audit, prop: Property, *, paused: bool
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


class Started(NamedTuple):
    audit: Audit
    created: bool  # False: an earlier start with the same idempotency key
    mode: str


async def begin_audit(
    session: AsyncSession,
    temporal: Client,
    settings: Settings,
    prop: Property,
    body: AuditCreate,
    idempotency_key: str | None = None,
) -> Started:
    """Start an audit of `prop` as `body` asks (the API's POST /audits and the dashboard's
    Start audit): the audit an earlier start with the same key made, else a new one with its
    workflow. 422 when the settings refuse it, 409 without active questions, 503 (nothing
    kept) when Temporal cannot be reached."""
    if idempotency_key:
        existing = await audit_store.find_by_idempotency_key(session, prop.id, idempotency_key)
        if existing is not None:
            return Started(existing, False, existing.mode)
    try:
        request = audit_request(settings, prop.id, body, idempotency_key)
    except Refused as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    audit, created = await open_or_reuse(session, request)
    if created:
        await start_or_withdraw(session, temporal, audit, prop, paused=body.paused)
    return Started(audit, created, request.mode)
