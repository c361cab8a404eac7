"""Audits as the API shows them (live from the workflows, or from the database once closed),
and starting an audit's workflow: one place for the API's start, its retries and the
reconciler that starts what a crash left queued."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import timedelta
from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
)
from temporalio.service import RPCError

from api.schemas import AuditCreate, AuditStarted, AuditState, RunRef, RunState
from config.settings import Settings
from contracts.audit import AuditInput, AuditProgress, SurfaceProgress
from contracts.names import AUDIT_ID, AUDIT_STATUS, PROPERTY_ID, TASK_QUEUE
from db.audits import AuditRequest
from db.models import Audit, Property, Run
from geo.summary import BatchSummary
from workflows.property_audit import PropertyAuditWorkflow
from workflows.surface_run import SurfaceRunWorkflow

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


async def start_workflow(temporal: Client, audit: Audit, prop: Property, *, paused: bool) -> None:
    """Start the audit's workflow; starting one that already exists is a no-op. RPCError when
    Temporal cannot be reached."""
    surfaces = ", ".join(audit.surfaces)
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


class Refused(ValueError):
    """A start request the settings do not allow (answered 422 with this message)."""


def audit_request(
    settings: Settings, property_id: uuid.UUID, body: AuditCreate, idempotency_key: str | None
) -> AuditRequest:
    """What the body asks for, with the deployment's defaults filled in; Refused when the
    settings do not allow it."""
    configured = settings.surface_configs()
    return AuditRequest(
        property_id=property_id,
        surfaces=[configured[s] for s in resolve_surfaces(settings, body.surfaces)],
        mode=body.mode or settings.geo_audit_mode,
        web_search=settings.geo_enable_web_search if body.web_search is None else body.web_search,
        samples_per_query=body.samples_per_query,
        max_cost_usd=budget(settings, body.max_cost_usd),
        idempotency_key=idempotency_key,
    )


def resolve_surfaces(settings: Settings, requested: list[str] | None) -> list[str]:
    """The surfaces asked for, or the configured defaults; every one must be configured."""
    configured = settings.surface_configs()
    defaults = [name for name, cfg in configured.items() if cfg.default]
    surfaces = list(dict.fromkeys(requested or defaults))
    unknown = [s for s in surfaces if s not in configured]
    if unknown:
        raise Refused(f"unknown surfaces {unknown}; configured: {sorted(configured)}")
    return surfaces


def budget(settings: Settings, requested: float | None) -> float | None:
    """The audit's spending cap: the one asked for, or the default; never above the limit."""
    if requested is not None and requested > settings.max_cost_usd_limit:
        raise Refused(
            f"max_cost_usd {requested} is above this deployment's limit "
            f"of {settings.max_cost_usd_limit} (MAX_COST_USD_LIMIT)"
        )
    return requested if requested is not None else settings.default_max_cost_usd
