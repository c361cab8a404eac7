"""PropertyAudit: one audit = one batch; fans out a SurfaceRun child per surface.

It loads the plan, starts every child in one workflow task, awaits them (a failing surface never
fails the others), records the batch's completion once, then writes the cross-model analysis,
its summary and, if the audit slipped, an alert. Pause, resume and cancel are relayed to the
children one at a time, so a resume never overtakes the pause it answers.
"""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    ChildWorkflowError,
    is_cancelled_exception,
)

with workflow.unsafe.imports_passed_through():
    import workflows.calls as calls
    from activities.asking import AskingActivities
    from activities.batch import BatchActivities
    from activities.insights import InsightsActivities
    from activities.planning import PlanningActivities
    from contracts.asking import SurfaceRunInput
    from contracts.audit import (
        AlertDecision,
        AuditInput,
        AuditOptions,
        AuditPlan,
        AuditProgress,
        AuditRef,
        AuditResult,
        CompleteBatchInput,
        LoadPlanInput,
        OpenAuditInput,
        RunOutcome,
        SendAlertInput,
        SetPausedInput,
        SetStatusInput,
        StoreSummaryInput,
        SummaryRequest,
        SurfacePlan,
        SurfaceProgress,
    )
    from contracts.names import (
        AUDIT_ID,
        AUDIT_STATUS,
        SURFACE,
        llm_task_queue,
        surface_workflow_id,
    )
    from contracts.status import AuditStatus, PauseReason, RunStatus
    from workflows.pause_sync import mirror_pause
    from workflows.policies import ALERT_RETRY, SUMMARY_RETRY, SUMMARY_TIMEOUT
    from workflows.surface_run import SurfaceRunWorkflow

Child = workflow.ChildWorkflowHandle[SurfaceRunWorkflow, RunOutcome]


@workflow.defn(name="PropertyAudit")
class PropertyAuditWorkflow:
    @workflow.init
    def __init__(self, inp: AuditInput) -> None:
        self._inp = inp
        self._status: str = AuditStatus.QUEUED
        self._paused = False
        self._pause_reason: str | None = None
        self._closing = False
        self._cancel_reason: str | None = None
        self._children: dict[str, Child] = {}
        self._outcomes: dict[str, RunOutcome] = {}
        self._live: dict[str, SurfaceProgress] = {}
        self._totals: dict[str, int] = {}
        self._property_name = ""
        self._relay_lock = asyncio.Lock()

    @workflow.run
    async def run(self, inp: AuditInput) -> AuditResult:
        if not inp.audit_id:
            inp = await self._open_scheduled(inp)
        self._set_status(AuditStatus.RUNNING)
        sync = asyncio.create_task(
            mirror_pause(lambda: self._paused, lambda: self._closing, self._record_paused)
        )
        try:
            plan = await calls.db(
                PlanningActivities.load_audit_plan,
                LoadPlanInput(
                    audit_id=inp.audit_id,
                    property_id=inp.property_id,
                    surfaces=inp.surfaces,
                    run_ids=inp.run_ids,
                ),
                "load plan",
            )
            self._property_name = plan.profile.name
            await self._start_children(plan)
            outcomes = await self._await_children()
        except BaseException as err:
            self._closing = True
            await sync
            if is_cancelled_exception(err):
                await self._close(AuditStatus.CANCELLED, "cancelled through Temporal")
            elif not self._children:
                await self._close(
                    AuditStatus.FAILED, f"could not load the audit plan: {_cause(err)}"
                )
            raise
        self._closing = True
        await sync
        batch = await calls.db(
            BatchActivities.complete_batch,
            CompleteBatchInput(audit_id=inp.audit_id, outcomes=outcomes),
            "complete batch",
        )
        self._set_status(batch.status)
        await self._after_batch(outcomes)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return AuditResult(audit_id=inp.audit_id, status=batch.status, runs=outcomes)

    async def _after_batch(self, outcomes: list[RunOutcome]) -> None:
        """Cross-model analysis, its written summary, and an alert if the audit slipped."""
        ref = AuditRef(audit_id=self._inp.audit_id)
        analysis = await calls.db(InsightsActivities.analyze_batch, ref, "cross-model analysis")
        writer = next((o.surface for o in outcomes if o.status == RunStatus.COMPLETED), None)
        summary = await self._written_summary(writer, analysis) if writer else None
        await calls.db(
            InsightsActivities.store_summary,
            StoreSummaryInput(audit_id=self._inp.audit_id, summary=summary),
            "store summary" + ("" if summary else " (rules)"),
        )
        decision = await calls.db(InsightsActivities.check_alerts, ref, "check alerts")
        if decision.send:
            await self._alert(decision)

    async def _written_summary(
        self, writer: str, analysis: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The summary a surface's model writes; None (the rules write it) when it cannot."""
        try:
            summary: dict[str, Any] = await workflow.execute_activity_method(
                AskingActivities.summarize_batch,
                SummaryRequest(
                    surface=writer, property_name=self._property_name, analysis=analysis
                ),
                task_queue=llm_task_queue(writer),
                start_to_close_timeout=SUMMARY_TIMEOUT,
                retry_policy=SUMMARY_RETRY,
                summary=f"summary written by {writer}",
            )
        except ActivityError as err:
            if is_cancelled_exception(err):
                raise
            workflow.logger.warning("LLM summary failed, using the rules: %s", _cause(err))
            return None
        return summary

    async def _alert(self, decision: AlertDecision) -> None:
        try:
            await workflow.execute_activity_method(
                InsightsActivities.send_alert,
                SendAlertInput(
                    audit_id=self._inp.audit_id, url=decision.url, payload=decision.payload
                ),
                start_to_close_timeout=SUMMARY_TIMEOUT,
                retry_policy=ALERT_RETRY,
                summary="send alert",
            )
        except ActivityError as err:
            if is_cancelled_exception(err):
                raise
            workflow.logger.warning("alert not delivered: %s", _cause(err))

    async def _open_scheduled(self, inp: AuditInput) -> AuditInput:
        """Started by a Schedule: make the audit's rows here, with a replay-safe id."""
        audit_id = str(workflow.uuid4())
        opened = await calls.db(
            PlanningActivities.open_audit,
            OpenAuditInput(
                audit_id=audit_id,
                workflow_id=workflow.info().workflow_id,
                property_id=inp.property_id,
                surfaces=inp.surfaces,
                **inp.model_dump(include=set(AuditOptions.model_fields)),
            ),
            "open scheduled audit",
        )
        workflow.upsert_search_attributes([AUDIT_ID.value_set(audit_id)])
        self._inp = opened
        return opened

    async def _start_children(self, plan: AuditPlan) -> None:
        """Every child in one workflow task; a pause that arrived first is handed to them."""
        for sp in plan.surfaces:
            self._totals[sp.surface] = len(plan.queries) * self._inp.samples_per_query
        if self._cancel_reason is None:
            await asyncio.gather(*(self._start_child(plan, sp) for sp in plan.surfaces))

    async def _start_child(self, plan: AuditPlan, sp: SurfacePlan) -> None:
        inp = self._inp
        attrs = workflow.info().typed_search_attributes.updated(
            SearchAttributePair(SURFACE, sp.surface)
        )
        panel = f"{len(plan.queries)} queries"
        paused = self._paused
        child = await workflow.start_child_workflow(
            SurfaceRunWorkflow.run,
            SurfaceRunInput(
                audit_id=inp.audit_id,
                property_id=inp.property_id,
                run_id=sp.run_id,
                surface=sp.surface,
                model=sp.model,
                profile=plan.profile,
                queries=plan.queries,
                max_concurrency=sp.max_concurrency,
                llm_timeout_s=sp.timeout_s,
                start_paused=paused,
                chunk_size=sp.chunk_size,
                history_budget=sp.history_budget,
                **inp.model_dump(include=set(AuditOptions.model_fields)),
            ),
            id=surface_workflow_id(inp.audit_id, sp.surface),
            task_queue=workflow.info().task_queue,  # where this worker polls, in tests too
            parent_close_policy=workflow.ParentClosePolicy.REQUEST_CANCEL,
            search_attributes=_without_status(attrs),
            static_summary=(
                f"{sp.surface} ({sp.model}) · {panel} × {inp.samples_per_query}"
                f" · {plan.profile.name}"
            ),
            static_details=(
                f"**Property:** {plan.profile.name} ({plan.profile.address.city_state()})\n"
                f"**Surface:** {sp.surface} · model `{sp.model}`\n"
                f"**Mode:** {inp.mode} · samples per query: {inp.samples_per_query}\n"
                f"**Panel:** {panel} · concurrency {sp.max_concurrency}"
            ),
        )
        self._children[sp.surface] = child
        await self._catch_up(child, paused)

    async def _catch_up(self, child: Child, started_paused: bool) -> None:
        """Signals that came while the child was being started were relayed to the children
        known then, not to it: hand it the state it missed."""
        async with self._relay_lock:
            if self._cancel_reason is not None:
                await child.signal(SurfaceRunWorkflow.cancel, self._cancel_reason)
            elif self._paused and not started_paused:
                await child.signal(SurfaceRunWorkflow.pause, self._pause_reason)
            elif started_paused and not self._paused:
                await child.signal(SurfaceRunWorkflow.resume)

    async def _await_children(self) -> list[RunOutcome]:
        inp = self._inp
        names = list(self._children)
        results = await asyncio.gather(*self._children.values(), return_exceptions=True)
        for surface, result in zip(names, results, strict=True):
            if isinstance(result, BaseException):
                if is_cancelled_exception(result):
                    raise result
                self._outcomes[surface] = RunOutcome(
                    surface=surface,
                    run_id=inp.run_ids[surface],
                    status=RunStatus.FAILED,
                    error_message=_cause(result),
                )
            else:
                self._outcomes[surface] = result
        for surface in inp.surfaces:
            if surface not in self._outcomes:  # cancelled before its child started
                self._outcomes[surface] = RunOutcome(
                    surface=surface,
                    run_id=inp.run_ids[surface],
                    status=RunStatus.CANCELLED,
                    error_message=self._cancel_reason,
                )
        return [self._outcomes[s] for s in inp.surfaces]

    async def _record_paused(self, paused: bool) -> None:
        self._set_status(AuditStatus.PAUSED if paused else AuditStatus.RUNNING)
        await calls.db(
            BatchActivities.set_audit_paused,
            SetPausedInput(audit_id=self._inp.audit_id, paused=paused, reason=self._pause_reason),
            "audit paused" if paused else "audit resumed",
        )

    async def _close(self, status: AuditStatus, message: str | None) -> None:
        self._set_status(status)
        await calls.db(
            BatchActivities.set_audit_status,
            SetStatusInput(
                audit_id=self._inp.audit_id,
                status=status,
                run_ids=list(self._inp.run_ids.values()),
                error_message=message,
            ),
            f"mark audit {status}",
        )

    def _set_status(self, status: str) -> None:
        self._status = status
        workflow.upsert_search_attributes([AUDIT_STATUS.value_set(status)])

    async def _relay(self, send: Any) -> None:
        """`send(child)` to every child still running, one relay at a time."""

        async def one(handle: Child) -> None:
            try:
                await send(handle)
            except ApplicationError as err:
                # A child that already finished cannot take signals; that is not an error.
                workflow.logger.info("signal to %s skipped: %s", handle.id, err)

        async with self._relay_lock:
            await asyncio.gather(*(one(h) for h in self._children.values() if not h.done()))

    @workflow.signal
    async def pause(self, reason: str | None = None) -> None:
        self._paused = True
        self._pause_reason = reason or PauseReason.REQUESTED
        why = self._pause_reason
        await self._relay(lambda child: child.signal(SurfaceRunWorkflow.pause, why))

    @workflow.signal
    async def resume(self) -> None:
        self._paused, self._pause_reason = False, None
        await self._relay(lambda child: child.signal(SurfaceRunWorkflow.resume))

    @workflow.signal
    async def budget_reached(self, cost_usd: float) -> None:
        """A child saw the audit's cost reach max_cost_usd: pause everything, reason budget."""
        if self._paused:
            return
        workflow.logger.info("budget reached at $%.4f: pausing", cost_usd)
        await self.pause(PauseReason.BUDGET)

    @workflow.signal
    async def cancel(self, reason: str | None = None) -> None:
        self._cancel_reason = reason or "cancelled by request"
        why = self._cancel_reason
        await self._relay(lambda child: child.signal(SurfaceRunWorkflow.cancel, why))

    @workflow.signal
    def child_progress(self, progress: SurfaceProgress) -> None:
        self._live[progress.surface] = progress

    @workflow.query
    def progress(self) -> AuditProgress:
        return AuditProgress(
            audit_id=self._inp.audit_id,
            status=self._status,
            paused=self._paused,
            pause_reason=self._pause_reason if self._paused else None,
            surfaces=[self._surface_progress(s) for s in self._inp.surfaces],
        )

    def _surface_progress(self, surface: str) -> SurfaceProgress:
        outcome, live = self._outcomes.get(surface), self._live.get(surface)
        if outcome is not None:
            return SurfaceProgress(
                surface=surface,
                run_id=outcome.run_id,
                status=outcome.status,
                done=outcome.answered + outcome.errors,
                total=self._totals.get(surface, 0),
                errors=outcome.errors,
            )
        if live is not None:
            return live.model_copy(update={"paused": self._paused})
        return SurfaceProgress(
            surface=surface,
            run_id=self._inp.run_ids.get(surface, ""),
            status=RunStatus.RUNNING if surface in self._children else RunStatus.QUEUED,
            paused=self._paused,
            total=self._totals.get(surface, 0),
        )


def _without_status(attrs: TypedSearchAttributes) -> TypedSearchAttributes:
    """Children inherit PropertyId and AuditId and keep an AuditStatus of their own."""
    return TypedSearchAttributes([p for p in attrs.search_attributes if p.key != AUDIT_STATUS])


def _cause(err: BaseException) -> str:
    """The innermost message of an activity or child failure."""
    while isinstance(err, (ActivityError, ChildWorkflowError)) and err.cause is not None:
        err = err.cause
    return str(err) or type(err).__name__
