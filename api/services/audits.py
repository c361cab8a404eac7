"""Audits as the API shows them: live from the workflows while they run, from the database
once closed."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError

from api.schemas import AuditStarted, AuditState, RunRef, RunState
from api.schemas.audits import RunLinks
from api.services.answers import answers_link
from api.services.links import workflow_url
from api.services.runs import visibility_interval
from config.settings import Settings
from contracts.audit import AuditProgress, SurfaceProgress
from contracts.status import FINAL_AUDIT_STATUSES, FINAL_RUN_STATUSES
from db.models import Audit, Run
from geo.location import AskerLocation
from geo.summary import BatchSummary
from workflows.property_audit import PropertyAuditWorkflow
from workflows.surface_run import SurfaceRunWorkflow

log = logging.getLogger("propertyaudit.api")
QUERY_TIMEOUT = timedelta(seconds=3)


def links(settings: Settings, audit: Audit) -> dict[str, str]:
    return {
        "self": f"/audits/{audit.id}",
        "insights": f"/audits/{audit.id}/insights",
        "report": f"/audits/{audit.id}/report",
        "temporal_ui": workflow_url(settings, audit.workflow_id),
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


def _summary_cost(stored: dict[str, Any] | None) -> float:
    """What the stored summary's call cost; 0 without one or for a rule-based one."""
    usage = BatchSummary.model_validate(stored).usage if stored else None
    return usage.cost_usd if usage else 0.0


def asker_location(audit: Audit) -> AskerLocation | None:
    """Where the audit asked from, as it was stored (None: nowhere in particular)."""
    stored = audit.asker_location
    return AskerLocation.model_validate(stored) if stored else None


def run_links(settings: Settings, run: Run) -> RunLinks:
    """The answers behind the run's score and visibility, and its workflow."""
    return RunLinks(
        answers=answers_link(run_id=run.id),
        present=answers_link(run_id=run.id, present=True),
        temporal_ui=workflow_url(settings, run.workflow_id),
    )


def run_state(settings: Settings, run: Run, child: SurfaceProgress | None = None) -> RunState:
    """The run as its row has it, with the progress of its live workflow (`child`) over it."""
    total = child.total if child and child.total else run.total_asks
    done = child.done if child else run.answers_done + run.errors_count
    return RunState(
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
        visibility_ci=visibility_interval(run.score),
        input_tokens=run.input_tokens,
        output_tokens=run.output_tokens,
        cost_usd=round(max(run.cost_usd, child.cost_usd if child else 0.0), 6),
        error_message=run.error_message,
        links=run_links(settings, run),
    )


def state_from_db(
    settings: Settings,
    audit: Audit,
    live: AuditProgress | None = None,
    children: dict[str, SurfaceProgress] | None = None,
) -> AuditState:
    """The audit from its rows, with the live progress of its workflows over them when given."""
    runs = [run_state(settings, run, (children or {}).get(run.surface)) for run in audit.runs]
    answers_cost = sum(r.cost_usd for r in runs)
    summary_cost = _summary_cost(audit.summary)
    paused = live.paused if live else audit.status == "paused"
    pause_reason = live.pause_reason if live else audit.pause_reason
    return AuditState(
        audit_id=audit.id,
        property_id=audit.property_id,
        workflow_id=audit.workflow_id,
        status=live.status if live else audit.status,
        paused=paused,
        pause_reason=pause_reason if paused else None,
        mode=audit.mode,
        web_search=audit.web_search,
        samples_per_query=audit.samples_per_query,
        asker_location=asker_location(audit),
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


async def _query(handle: WorkflowHandle[Any, Any], name: str, result_type: type) -> Any:
    try:
        return await handle.query(name, result_type=result_type, rpc_timeout=QUERY_TIMEOUT)
    except (TimeoutError, RPCError, Exception) as exc:  # noqa: BLE001 - fall back to DB
        log.debug("query %s on %s failed: %s", name, handle.id, exc)
        return None


async def live_progress(
    temporal: Client, audit: Audit
) -> tuple[AuditProgress | None, dict[str, SurfaceProgress]]:
    """The parent's and the open runs' progress, asked at once. A run whose row is final is
    not asked: its workflow has closed, and a worker would replay its whole history (~0.3 s as
    an audit ends) to say what the row says."""
    parent = temporal.get_workflow_handle(audit.workflow_id)
    handles = {
        r.surface: temporal.get_workflow_handle(r.workflow_id)
        for r in audit.runs
        if r.status not in FINAL_RUN_STATUSES
    }
    live, *results = await asyncio.gather(
        _query(parent, PropertyAuditWorkflow.progress.__name__, AuditProgress),
        *(
            _query(h, SurfaceRunWorkflow.progress.__name__, SurfaceProgress)
            for h in handles.values()
        ),
    )
    if live is None:
        return None, {}
    return live, {s: p for s, p in zip(handles, results, strict=True) if p is not None}


async def audit_state(settings: Settings, temporal: Client, audit: Audit) -> AuditState:
    """Live from the workflows' `progress` queries while open; from the database once closed."""
    if audit.status in FINAL_AUDIT_STATUSES:
        return state_from_db(settings, audit)
    live, children = await live_progress(temporal, audit)
    return state_from_db(settings, audit, live, children)
