"""SurfaceRun: one surface asks every question of the panel, then scores the run.

Questions go out with bounded concurrency behind a pause gate; each is one activity on the
surface's queue that asks and stores (natural mode: ask, then extract and store). A long panel
continues as new between chunks, carrying its progress. Pause, resume and cancel arrive as
signals (usually relayed by the parent); Temporal's own cancel closes the run as cancelled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, is_cancelled_exception

with workflow.unsafe.imports_passed_through():
    import workflows.calls as calls
    from activities.answering import AnsweringActivities
    from activities.asking import AskingActivities
    from activities.recording import RecordingActivities
    from contracts.asking import (
        Answered,
        AnswerRequest,
        Ask,
        Carried,
        ExtractRequest,
        FinishRunInput,
        RecordAnswerInput,
        RecordErrorInput,
        RecordResult,
        StartRunInput,
        SurfaceRunInput,
        Usage,
    )
    from contracts.audit import QuerySpec, RunOutcome, SetPausedInput, SurfaceProgress
    from contracts.errors import FATAL_SURFACE_ERRORS
    from contracts.names import AUDIT_STATUS
    from contracts.status import PauseReason, RunStatus
    from geo.profile import brand_context
    from workflows.pause_sync import mirror_pause

if TYPE_CHECKING:
    from workflows.property_audit import PropertyAuditWorkflow

P = TypeVar("P")
R = TypeVar("R")

# How often the run's Web UI details are refreshed (no history event).
DETAILS_EVERY = timedelta(seconds=2)
# How often a run tells its parent how far it got: each report is a signal and a workflow task in
# the parent, and the API asks the children themselves for live counts, so the parent's copy
# may lag.
REPORT_TO_PARENT_EVERY = timedelta(seconds=10)


def _parent() -> type[PropertyAuditWorkflow]:
    return parent_module.PropertyAuditWorkflow


def _error_text(err: BaseException) -> str:
    cause = err.cause if isinstance(err, ActivityError) and err.cause else err
    return str(cause) or type(cause).__name__


def _error_type(err: BaseException) -> str | None:
    cause = err.cause if isinstance(err, ActivityError) else err
    return cause.type if isinstance(cause, ApplicationError) else None


@workflow.defn(name="SurfaceRun")
class SurfaceRunWorkflow:
    @workflow.init
    def __init__(self, inp: SurfaceRunInput) -> None:
        self._inp = inp
        self._paused = inp.start_paused
        self._pause_reason: str | None = PauseReason.REQUESTED if inp.start_paused else None
        self._cancel_reason: str | None = None
        self._fatal: str | None = None
        self._status: str = RunStatus.QUEUED
        self._closing = False
        self._in_flight = 0
        self._done = self._errors = self._skipped = 0
        self._total = len(inp.queries) * inp.samples_per_query
        self._current = ""
        self._budget_active = inp.max_cost_usd is not None
        self._cost = 0.0
        self._last_report: datetime | None = None
        self._last_details: datetime | None = None
        self._reports: list[asyncio.Task[None]] = []
        # Natural mode's first phase, paid for while its extraction is still to succeed.
        self._paid: dict[tuple[str, int], Usage] = {}
        if inp.carried is not None:
            self._resume_from(inp.carried)

    def _resume_from(self, carried: Carried) -> None:
        self._done, self._errors, self._skipped = carried.done, carried.errors, carried.skipped
        self._cost = carried.cost_usd
        self._paused, self._pause_reason = carried.paused, carried.pause_reason
        self._cancel_reason, self._budget_active = carried.cancel_reason, carried.budget_active

    @workflow.run
    async def run(self, inp: SurfaceRunInput) -> RunOutcome:
        self._set_status(RunStatus.RUNNING)
        sync: asyncio.Task[None] | None = None
        try:
            sync = asyncio.create_task(self._mirror_pause(self._start_run()))
            await self._ask_everything(sync)
        except BaseException as err:
            if is_cancelled_exception(err):
                # Temporal's own cancel (CLI, Web UI): close the run, then end as cancelled.
                await self._close(sync)
                await self._finish(RunStatus.CANCELLED, "cancelled through Temporal")
            raise
        await self._close(sync)
        if self._fatal is not None:
            await self._finish(RunStatus.FAILED, self._fatal)
            raise ApplicationError(self._fatal, type="SurfaceFailed", non_retryable=True)
        status = RunStatus.CANCELLED if self._skipped else RunStatus.COMPLETED
        outcome = await self._finish(status, self._cancel_reason if self._skipped else None)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return outcome

    def _start_run(self) -> asyncio.Task[None] | None:
        """Mark the run running, beside the first questions (storing an answer never depends on
        it); a run continued as new was started already."""
        inp = self._inp
        if inp.carried is not None:
            return None
        started = StartRunInput(
            run_id=inp.run_id,
            model=inp.model,
            query_count=len(inp.queries),
            total_asks=self._total,
        )
        summary = f"{inp.surface} · start run"
        return asyncio.create_task(calls.db(RecordingActivities.start_run, started, summary))

    async def _ask_everything(self, sync: asyncio.Task[None]) -> None:
        inp = self._inp
        by_id = {q.query_id: q for q in inp.queries}
        jobs = (
            [(by_id[q], s) for q, s in inp.carried.pending]
            if inp.carried is not None
            else [(q, s) for q in inp.queries for s in range(inp.samples_per_query)]
        )
        for start in range(0, len(jobs), inp.chunk_size):
            await asyncio.gather(
                *(self._ask(q, s) for q, s in jobs[start : start + inp.chunk_size])
            )
            rest = jobs[start + inp.chunk_size :]
            if rest and not self._stopping() and self._history_is_long():
                await self._close(sync)
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(inp.model_copy(update={"carried": self._carry(rest)}))

    async def _mirror_pause(self, starting: asyncio.Task[None] | None) -> None:
        if starting is not None:
            await starting  # a pause recorded before the start would be overwritten by it
        await mirror_pause(lambda: self._paused, lambda: self._closing, self._record_paused)

    def _history_is_long(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() > self._inp.history_budget
        )

    def _carry(self, rest: list[tuple[QuerySpec, int]]) -> Carried:
        return Carried(
            pending=[(q.query_id, s) for q, s in rest],
            done=self._done,
            errors=self._errors,
            skipped=self._skipped,
            cost_usd=self._cost,
            paused=self._paused,
            pause_reason=self._pause_reason,
            cancel_reason=self._cancel_reason,
            budget_active=self._budget_active,
        )

    async def _close(self, sync: asyncio.Task[None] | None) -> None:
        self._closing = True
        if sync is not None:
            await sync
        await asyncio.gather(*self._reports, return_exceptions=True)

    async def _finish(self, status: RunStatus, message: str | None) -> RunOutcome:
        closing = FinishRunInput(run_id=self._inp.run_id, status=status, error_message=message)
        summary = f"{self._inp.surface} · finish run ({status})"
        outcome = await calls.db(RecordingActivities.finish_run, closing, summary)
        self._set_status(outcome.status)
        workflow.set_current_details(self._details())
        return outcome

    def _set_status(self, status: str) -> None:
        self._status = status
        workflow.upsert_search_attributes([AUDIT_STATUS.value_set(status)])

    async def _record_paused(self, paused: bool) -> None:
        workflow.upsert_search_attributes(
            [AUDIT_STATUS.value_set(RunStatus.PAUSED if paused else RunStatus.RUNNING)]
        )
        change = SetPausedInput(run_id=self._inp.run_id, paused=paused, reason=self._pause_reason)
        summary = f"{self._inp.surface} · {'paused' if paused else 'resumed'}"
        await calls.db(RecordingActivities.set_run_paused, change, summary)

    def _may_start(self) -> bool:
        return self._stopping() or (
            not self._paused and self._in_flight < self._inp.max_concurrency
        )

    def _stopping(self) -> bool:
        return self._cancel_reason is not None or self._fatal is not None

    async def _ask(self, query: QuerySpec, sample: int) -> None:
        # wait_condition wakes every waiter at once: re-check before taking a slot.
        while not self._may_start():
            await workflow.wait_condition(self._may_start)
        if self._stopping():
            self._skipped += 1
            return
        self._in_flight += 1
        self._current = query.text
        inp = self._inp
        ask = Ask(run_id=inp.run_id, query=query, sample=sample, total_asks=self._total)
        request = AnswerRequest(
            surface=inp.surface,
            ask=ask,
            samples_per_query=inp.samples_per_query,
            profile=inp.profile,
            mode=inp.mode,
            web_search=inp.web_search,
            asker_location=inp.asker_location,
        )
        try:
            answered = await self._answer(request)
        except ActivityError as err:
            if is_cancelled_exception(err):
                raise
            self._in_flight -= 1
            await self._on_ask_failed(ask, err)
            return
        self._in_flight -= 1
        result = answered.recorded
        if result is None:  # the database could not take it: store it with the DB's policy
            assert answered.answer is not None
            stored = RecordAnswerInput(
                ask=ask, brand=brand_context(inp.profile), answer=answered.answer
            )
            summary = f"{inp.surface} · record q{query.index}"
            result = await calls.db(RecordingActivities.record_answer, stored, summary)
        self._on_recorded(result)

    def _label(self, ask: Ask) -> str:
        label = f"{self._inp.surface} · q{ask.query.index}/{len(self._inp.queries)}"
        return label + (f" s{ask.sample + 1}" if self._inp.samples_per_query > 1 else "")

    async def _answer(self, request: AnswerRequest) -> Answered:
        """Ask and store (natural mode: ask, then extract and store)."""
        inp, ask = self._inp, request.ask
        label, text = self._label(ask), ask.query.text
        if request.mode != "natural":
            title = f"{label} · {text[:80]}"
            return await self._llm(AnsweringActivities.ask_and_record, request, title)
        natural = await self._llm(AskingActivities.ask_natural, request, f"{label} · {text[:80]}")
        key = (ask.query.query_id, ask.sample)
        self._paid[key] = natural.usage
        extract = ExtractRequest(surface=inp.surface, ask=ask, profile=inp.profile, natural=natural)
        title = f"{label} · extract · {text[:60]}"
        answered = await self._llm(AnsweringActivities.extract_and_record, extract, title)
        self._paid.pop(key, None)
        return answered

    async def _llm(self, fn: Callable[[Any, P], Awaitable[R]], arg: P, summary: str) -> R:
        return await calls.llm(
            fn, arg, surface=self._inp.surface, timeout_s=self._inp.llm_timeout_s, summary=summary
        )

    async def _on_ask_failed(self, ask: Ask, err: ActivityError) -> None:
        message = _error_text(err)
        if _error_type(err) in FATAL_SURFACE_ERRORS:
            # 401/403/404 will not heal on the next query either: stop the whole surface.
            if self._fatal is None:
                self._fatal = message
                workflow.logger.warning("%s: surface failed: %s", self._inp.surface, message)
            return
        paid = self._paid.pop((ask.query.query_id, ask.sample), None)
        failure = RecordErrorInput(ask=ask, error=message, paid=paid)
        summary = f"{self._inp.surface} · record error q{ask.query.index}"
        self._on_recorded(await calls.db(RecordingActivities.record_query_error, failure, summary))

    def _on_recorded(self, result: RecordResult) -> None:
        self._done, self._errors = max(self._done, result.done), max(self._errors, result.errors)
        self._cost = max(self._cost, result.run_cost_usd)
        budget = self._inp.max_cost_usd
        if self._budget_active and budget is not None and result.audit_cost_usd >= budget:
            # Stop buying at once; the parent pauses the other surfaces too.
            self._budget_active = False
            self._paused, self._pause_reason = True, PauseReason.BUDGET
            self._tell_parent(_parent().budget_reached, result.audit_cost_usd)
        now = workflow.now()
        if self._last_details is None or now - self._last_details >= DETAILS_EVERY:
            self._last_details = now
            workflow.set_current_details(self._details())  # served by query: no history
        if self._last_report is None or now - self._last_report >= REPORT_TO_PARENT_EVERY:
            self._last_report = now
            self._tell_parent(_parent().child_progress, self.progress())

    def _tell_parent(self, signal: Callable[[Any, Any], Any], arg: Any) -> None:
        parent = workflow.info().parent
        if parent is None:
            return
        handle = workflow.get_external_workflow_handle(parent.workflow_id)

        async def send() -> None:
            try:
                await handle.signal(signal, arg)
            except ApplicationError as err:  # the parent may be closing; this is advisory
                workflow.logger.info("%s to parent skipped: %s", signal.__name__, err)

        self._reports.append(asyncio.create_task(send()))

    def _details(self) -> str:
        p = self.progress()
        return f"**{p.done}/{p.total}** asked · {p.errors} errors · status `{p.status}`" + (
            f"\n\nnow asking: {p.current_query}" if p.current_query else ""
        )

    @workflow.signal
    def pause(self, reason: str | None = None) -> None:
        self._paused = True
        self._pause_reason = reason or self._pause_reason or PauseReason.REQUESTED

    @workflow.signal
    def resume(self) -> None:
        # Resuming after the budget was reached means: go on, past the budget.
        self._paused, self._pause_reason, self._budget_active = False, None, False

    @workflow.signal
    def cancel(self, reason: str | None = None) -> None:
        self._cancel_reason = reason or "cancelled by request"

    @workflow.query
    def progress(self) -> SurfaceProgress:
        status = self._status
        if status == RunStatus.RUNNING and self._paused:
            status = RunStatus.PAUSED
        return SurfaceProgress(
            surface=self._inp.surface,
            run_id=self._inp.run_id,
            status=status,
            paused=self._paused,
            pause_reason=self._pause_reason if self._paused else None,
            cost_usd=round(self._cost, 6),
            done=self._done + self._errors,
            total=self._total,
            errors=self._errors,
            current_query=self._current if status in (RunStatus.RUNNING, RunStatus.PAUSED) else "",
        )


# The parent's module imports this one to start its children; imported last, the two modules
# load in either order (this class exists by then), and the children signal their parent by
# method reference.
with workflow.unsafe.imports_passed_through():
    import workflows.property_audit as parent_module  # noqa: E402
