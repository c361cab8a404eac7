"""Starting audits, following them live, steering them with signals."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, Response, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client, WorkflowHandle
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
)
from temporalio.service import RPCError

from activities.payloads import AuditInput, AuditProgress, SurfaceProgress
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.lookups import audit_or_404
from api.metrics import MetricsDep
from api.schemas import AuditCreate, AuditStarted, AuditState, Limit, Offset, RunRef, RunState
from config.settings import Settings
from db import audits as audit_store
from db.audits import FINAL_AUDIT_STATUSES
from db.models import Audit, Property, Run
from db.properties import get_property, list_queries
from geo.summary import BatchSummary
from workflows.names import (
    AUDIT_ID,
    AUDIT_STATUS,
    PROPERTY_ID,
    TASK_QUEUE,
    audit_workflow_id,
    surface_workflow_id,
)
from workflows.property_audit import PropertyAuditWorkflow
from workflows.surface_run import SurfaceRunWorkflow

router = APIRouter(prefix="/audits", tags=["audits"])
log = logging.getLogger("propertyaudit.api")
QUERY_TIMEOUT = timedelta(seconds=3)


def links(settings: Settings, audit: Audit) -> dict[str, str]:
    ui = settings.temporal_ui_url.rstrip("/") + f"/namespaces/{settings.temporal_namespace}"
    return {
        "self": f"/audits/{audit.id}",
        "insights": f"/audits/{audit.id}/insights",
        "report": f"/audits/{audit.id}/report",
        "temporal_ui": f"{ui}/workflows/{audit.workflow_id}",
    }


def started_body(settings: Settings, audit: Audit) -> AuditStarted:
    return AuditStarted(
        audit_id=audit.id,
        workflow_id=audit.workflow_id,
        status=audit.status,
        runs=[
            RunRef(run_id=r.id, surface=r.surface, workflow_id=r.workflow_id) for r in audit.runs
        ],
        links=links(settings, audit),
    )


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def start_audit(
    body: AuditCreate,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    metrics: MetricsDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> AuditStarted:
    """Start an audit (one SurfaceRun per surface) and return at once."""
    prop = await get_property(session, body.property_id)
    if prop is None:
        raise HTTPException(status_code=404, detail=f"property {body.property_id} not found")
    if idempotency_key:
        existing = await audit_store.find_by_idempotency_key(session, prop.id, idempotency_key)
        if existing is not None:
            if existing.status == "queued":  # stored, but its start may never have happened
                await start_workflow(session, temporal, existing, prop, paused=body.paused)
            return started_body(settings, existing)
    configured = settings.surface_configs()
    defaults = [name for name, cfg in configured.items() if cfg.default]
    surfaces = list(dict.fromkeys(body.surfaces or defaults))
    unknown = [s for s in surfaces if s not in configured]
    if unknown:
        raise HTTPException(
            status_code=422,
            detail=f"unknown surfaces {unknown}; configured: {sorted(configured)}",
        )
    mode = body.mode or settings.geo_audit_mode
    web_search = settings.geo_enable_web_search if body.web_search is None else body.web_search
    queries = await list_queries(session, prop.id, active_only=True)
    if not queries:
        raise HTTPException(
            status_code=409,
            detail="the property has no active queries; "
            f"POST /properties/{prop.id}/queries/generate first",
        )
    audit_id = uuid.uuid4()
    try:
        audit = await audit_store.create_audit(
            session,
            audit_id=audit_id,
            property_id=prop.id,
            surfaces=surfaces,
            models={s: configured[s].model for s in surfaces},
            mode=mode,
            web_search=web_search,
            samples_per_query=body.samples_per_query,
            query_count=len(queries),
            idempotency_key=idempotency_key,
            max_cost_usd=body.max_cost_usd,
            audit_workflow_id=audit_workflow_id(str(audit_id)),
            workflow_id_for={s: surface_workflow_id(str(audit_id), s) for s in surfaces},
            searching={s: configured[s].capabilities.searches(web_search) for s in surfaces},
        )
        # The worker must see these rows before the workflow's first activity reads them.
        await session.commit()
    except IntegrityError as exc:
        # A concurrent retry with the same Idempotency-Key won the race: answer with its audit.
        await session.rollback()  # expires every loaded row: use the plain body values
        again = await audit_store.find_by_idempotency_key(
            session, body.property_id, idempotency_key or ""
        )
        if again is None:
            raise HTTPException(status_code=409, detail="conflicting audit start") from exc
        return started_body(settings, again)
    audit = await audit_store.get_audit(session, audit_id) or audit
    await start_workflow(session, temporal, audit, prop, paused=body.paused)
    metrics.audits_started.labels(mode=mode).inc()
    return started_body(settings, audit)


def audit_input(audit: Audit) -> AuditInput:
    return AuditInput(
        audit_id=str(audit.id),
        property_id=str(audit.property_id),
        surfaces=list(audit.surfaces),
        run_ids={r.surface: str(r.id) for r in audit.runs},
        mode=audit.mode,
        web_search=audit.web_search,
        samples_per_query=audit.samples_per_query,
        max_cost_usd=audit.max_cost_usd,
    )


async def start_workflow(
    session: AsyncSession, temporal: Client, audit: Audit, prop: Property, *, paused: bool
) -> None:
    """Start the audit's workflow; starting one that already exists is a no-op."""
    surfaces = ", ".join(audit.surfaces)
    try:
        await temporal.start_workflow(
            PropertyAuditWorkflow.run,
            audit_input(audit),
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
            ),
        )
    except RPCError as exc:
        log.exception("could not start workflow %s", audit.workflow_id)
        await audit_store.set_status(
            session,
            audit.id,
            "failed",
            run_ids=[r.id for r in audit.runs],
            error_message=f"could not start the workflow: {exc}",
        )
        await session.commit()
        raise HTTPException(status_code=503, detail="Temporal is unavailable; try again") from exc


@router.get("")
async def list_audits(
    session: SessionDep,
    settings: SettingsDep,
    property_id: uuid.UUID | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> list[AuditState]:
    rows = await audit_store.list_audits(session, property_id, limit, offset)
    return [state_from_db(settings, a) for a in rows]


def _summary_cost(stored: dict[str, Any] | None) -> float:
    """What the stored summary's call cost; 0 without one or for a rule-based one."""
    usage = BatchSummary.model_validate(stored).usage if stored else None
    return usage.cost_usd if usage else 0.0


def state_from_db(
    settings: Settings,
    audit: Audit,
    live: AuditProgress | None = None,
    children: dict[str, SurfaceProgress] | None = None,
) -> AuditState:
    runs: list[RunState] = []
    for run in audit.runs:
        child = (children or {}).get(run.surface)
        total = child.total if child and child.total else run.total_asks
        done = child.done if child else run.answers_done + run.errors_count
        runs.append(
            RunState(
                run_id=run.id,
                surface=run.surface,
                model=run.model_name,
                status=child.status if child else run.status,
                workflow_id=run.workflow_id,
                done=done,
                total=total,
                progress_pct=round(100.0 * done / total, 1) if total else run.progress_pct,
                current_query=(child.current_query if child else run.current_query) or "",
                errors=child.errors if child else run.errors_count,
                score=run.score.overall_score if run.score else None,
                visibility_pct=run.score.visibility_pct if run.score else None,
                visibility_ci=_interval(run),
                input_tokens=run.input_tokens,
                output_tokens=run.output_tokens,
                cost_usd=round(max(run.cost_usd, child.cost_usd if child else 0.0), 6),
                error_message=run.error_message,
            )
        )
    answers_cost = sum(r.cost_usd for r in runs)
    summary_cost = _summary_cost(audit.summary)
    return AuditState(
        audit_id=audit.id,
        property_id=audit.property_id,
        workflow_id=audit.workflow_id,
        status=live.status if live else audit.status,
        paused=live.paused if live else audit.status == "paused",
        pause_reason=(live.pause_reason if live else audit.pause_reason)
        if (live.paused if live else audit.status == "paused")
        else None,
        mode=audit.mode,
        web_search=audit.web_search,
        samples_per_query=audit.samples_per_query,
        query_count=audit.query_count,
        max_cost_usd=audit.max_cost_usd,
        input_tokens=sum(r.input_tokens for r in runs),
        output_tokens=sum(r.output_tokens for r in runs),
        cost_usd=round(answers_cost, 6),
        summary_cost_usd=round(summary_cost, 6),
        total_cost_usd=round(answers_cost + summary_cost, 6),
        created_at=audit.created_at,
        started_at=audit.started_at,
        finished_at=audit.finished_at,
        error_message=audit.error_message,
        source="workflow" if live else "database",
        runs=runs,
        links=links(settings, audit),
    )


def _interval(run: Run) -> tuple[float, float] | None:
    score = run.score
    if score is None or score.visibility_ci_low is None or score.visibility_ci_high is None:
        return None
    return score.visibility_ci_low, score.visibility_ci_high


async def _query(handle: WorkflowHandle[Any, Any], name: str, result_type: type) -> Any:
    try:
        return await handle.query(name, result_type=result_type, rpc_timeout=QUERY_TIMEOUT)
    except (TimeoutError, RPCError, Exception) as exc:  # noqa: BLE001 - fall back to DB
        log.debug("query %s on %s failed: %s", name, handle.id, exc)
        return None


async def live_progress(
    temporal: Client, audit: Audit
) -> tuple[AuditProgress | None, dict[str, SurfaceProgress]]:
    parent = temporal.get_workflow_handle(audit.workflow_id)
    live = await _query(parent, PropertyAuditWorkflow.progress.__name__, AuditProgress)
    if live is None:
        return None, {}
    handles = {r.surface: temporal.get_workflow_handle(r.workflow_id) for r in audit.runs}
    results = await asyncio.gather(
        *(
            _query(h, SurfaceRunWorkflow.progress.__name__, SurfaceProgress)
            for h in handles.values()
        )
    )
    return live, {s: p for s, p in zip(handles, results, strict=True) if p is not None}


@router.get("/{audit_id}")
async def read_audit(
    audit_id: uuid.UUID, session: SessionDep, temporal: TemporalDep, settings: SettingsDep
) -> AuditState:
    """Live from the workflows' `progress` queries while open; from the database once closed."""
    audit = await audit_or_404(session, audit_id)
    if audit.status in FINAL_AUDIT_STATUSES:
        return state_from_db(settings, audit)
    live, children = await live_progress(temporal, audit)
    return state_from_db(settings, audit, live, children)


async def _signal(
    session: SessionDep, temporal: TemporalDep, audit_id: uuid.UUID, name: str, *args: Any
) -> dict[str, str]:
    audit = await audit_or_404(session, audit_id)
    if audit.status in FINAL_AUDIT_STATUSES:
        raise HTTPException(
            status_code=409, detail=f"audit {audit_id} is already {audit.status}; nothing to {name}"
        )
    try:
        await temporal.get_workflow_handle(audit.workflow_id).signal(name, *args)
    except RPCError as exc:
        raise HTTPException(
            status_code=409, detail=f"audit {audit_id} is no longer running: {exc.message}"
        ) from exc
    return {"audit_id": str(audit_id), "signal": name, "status": "sent"}


@router.post("/{audit_id}/pause", status_code=status.HTTP_202_ACCEPTED)
async def pause_audit(
    audit_id: uuid.UUID,
    session: SessionDep,
    temporal: TemporalDep,
    reason: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, str]:
    """No new LLM call starts until resume; `reason` is shown as the pause reason."""
    return await _signal(session, temporal, audit_id, "pause", (reason or "")[:200] or None)


@router.post("/{audit_id}/resume", status_code=status.HTTP_202_ACCEPTED)
async def resume_audit(
    audit_id: uuid.UUID, session: SessionDep, temporal: TemporalDep
) -> dict[str, str]:
    return await _signal(session, temporal, audit_id, "resume")


@router.post("/{audit_id}/cancel", status_code=status.HTTP_202_ACCEPTED)
async def cancel_audit(
    audit_id: uuid.UUID,
    session: SessionDep,
    temporal: TemporalDep,
    reason: Annotated[str | None, Query(max_length=500)] = None,
) -> dict[str, str]:
    return await _signal(session, temporal, audit_id, "cancel", (reason or "")[:500] or None)


@router.delete("/{audit_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_audit(audit_id: uuid.UUID, session: SessionDep) -> Response:
    """Delete a closed audit with its runs, answers, citations, scores and insights (409 while
    it runs: cancel it first)."""
    audit = await audit_or_404(session, audit_id)
    if audit.status not in FINAL_AUDIT_STATUSES:
        raise HTTPException(
            status_code=409, detail=f"audit {audit_id} is {audit.status}; cancel it first"
        )
    await audit_store.delete_audit(session, audit.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
