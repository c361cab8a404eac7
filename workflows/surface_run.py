"""SurfaceRun: one surface asks every question of the panel, then scores the run."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, is_cancelled_exception

with workflow.unsafe.imports_passed_through():
    from activities.answering import AnsweringActivities
    from activities.asking import AskingActivities
    from activities.payloads import (
        Answered,
        AnswerRequest,
        AskRequest,
        Carried,
        ExtractAndRecordRequest,
        ExtractRequest,
        FinishRunInput,
        NaturalAnswer,
        QuerySpec,
        RecordAnswerInput,
        RecordErrorInput,
        RecordResult,
        RunOutcome,
        SetPausedInput,
        Spend,
        StartRunInput,
        SurfaceProgress,
        SurfaceRunInput,
    )
    from activities.recording import RecordingActivities
    from geo.profile import brand_context
    from surfaces.errors import FATAL_SURFACE_ERRORS
    from workflows.names import AUDIT_STATUS, llm_task_queue
    from workflows.pause_sync import mirror_pause
    from workflows.policies import (
        DB_RETRY,
        DB_SCHEDULE_TO_CLOSE,
        DB_START_TO_CLOSE,
        LLM_HEARTBEAT,
        LLM_RETRY,
        LLM_SCHEDULE_TO_CLOSE,
        LLM_TIMEOUT_SLACK,
    )

# How often the run's Web UI details are refreshed (no history event).
DETAILS_EVERY = timedelta(seconds=2)
# How often a run tells its parent how far it got: each report is a signal and a workflow task
# in the parent. The API asks the children themselves for live counts, so the parent's copy can
# lag; at 2 s (before ANSWERS_STORED_ON_ASK) a busy worker spent as much on reports as on answers.
REPORT_TO_PARENT_EVERY = timedelta(seconds=10)
# Questions are asked in chunks; between chunks a long run continues as new once its history
# passes this many events, so a 1,000-question panel never nears Temporal's limits.
CHUNK = 200
HISTORY_BUDGET = 3_000
# Histories recorded before answers were stored by the asking activity replay the old path.
ANSWERS_STORED_ON_ASK = "answers-stored-on-ask-v1"


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
        self._cancel_reason: str | None = None
        self._fatal: str | None = None
        self._status = "queued"
        self._closing = False
        self._in_flight = 0
        self._done = 0
        self._errors = 0
        self._skipped = 0
        self._total = len(inp.queries) * inp.samples_per_query
        self._current = ""
        self._pause_reason: str | None = "requested" if inp.start_paused else None
        self._budget_active = inp.max_cost_usd is not None
        self._cost = 0.0
        self._last_report: datetime | None = None
        self._last_details: datetime | None = None
        self._reports: list[asyncio.Task[None]] = []
        self._stored_on_ask = False
        # Natural mode's first phase, paid for while its extraction is still to succeed.
        self._paid: dict[tuple[str, int], Spend] = {}
        carried = inp.carried
        if carried is not None:
            self._done, self._errors, self._skipped = carried.done, carried.errors, carried.skipped
            self._cost = carried.cost_usd
            self._paused, self._pause_reason = carried.paused, carried.pause_reason
            self._cancel_reason, self._budget_active = carried.cancel_reason, carried.budget_active

    @workflow.run
    async def run(self, inp: SurfaceRunInput) -> RunOutcome:
        self._status = "running"
        workflow.upsert_search_attributes([AUDIT_STATUS.value_set("running")])
        sync: asyncio.Task[None] | None = None
        self._stored_on_ask = workflow.patched(ANSWERS_STORED_ON_ASK)
        try:
            starting: asyncio.Task[Any] | None = None
            if inp.carried is None:
                start_run = self._db(
                    RecordingActivities.start_run,
                    StartRunInput(
                        run_id=inp.run_id,
                        model=inp.model,
                        query_count=len(inp.queries),
                        total_asks=self._total,
                    ),
                    "start run",
                )
                if self._stored_on_ask:
                    # The first questions need not wait for the run row: recording an answer
                    # never depends on it being marked running.
                    starting = asyncio.create_task(start_run)
                else:
                    await start_run
            sync = asyncio.create_task(self._mirror_pause(starting))
            by_id = {q.query_id: q for q in inp.queries}
            jobs = (
                [(by_id[q], s) for q, s in inp.carried.pending]
                if inp.carried is not None
                else [(q, s) for q in inp.queries for s in range(inp.samples_per_query)]
            )
            for start in range(0, len(jobs), CHUNK):
                await asyncio.gather(
                    *(self._ask_and_record(q, s) for q, s in jobs[start : start + CHUNK])
                )
                rest = jobs[start + CHUNK :]
                if rest and not self._stopping() and self._history_is_long():
                    await self._close(sync)
                    await workflow.wait_condition(workflow.all_handlers_finished)
                    workflow.continue_as_new(inp.model_copy(update={"carried": self._carry(rest)}))
        except BaseException as err:
            if is_cancelled_exception(err):
                # Temporal's own cancel (CLI, Web UI): close the run, then end as cancelled.
                await self._close(sync)
                self._status = "cancelled"
                await self._finish("cancelled", "cancelled through Temporal")
            raise
        await self._close(sync)
        if self._fatal is not None:
            self._status = "failed"
            await self._finish("failed", self._fatal)
            raise ApplicationError(self._fatal, type="SurfaceFailed", non_retryable=True)
        status = "cancelled" if self._skipped else "completed"
        outcome = await self._finish(status, self._cancel_reason if self._skipped else None)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return outcome

    async def _mirror_pause(self, starting: asyncio.Task[Any] | None) -> None:
        if starting is not None:
            await starting  # a pause recorded before the start would be overwritten by it
        await mirror_pause(lambda: self._paused, lambda: self._closing, self._record_paused)

    def _history_is_long(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() > HISTORY_BUDGET
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

    async def _finish(self, status: str, message: str | None) -> RunOutcome:
        outcome: RunOutcome = await self._db(
            RecordingActivities.finish_run,
            FinishRunInput(run_id=self._inp.run_id, status=status, error_message=message),  # type: ignore[arg-type]
            f"finish run ({status})",
        )
        self._status = outcome.status
        workflow.upsert_search_attributes([AUDIT_STATUS.value_set(outcome.status)])
        workflow.set_current_details(self._details())
        return outcome

    async def _db(self, fn: Any, arg: Any, summary: str) -> Any:
        return await workflow.execute_activity_method(
            fn,
            arg,
            start_to_close_timeout=DB_START_TO_CLOSE,
            schedule_to_close_timeout=DB_SCHEDULE_TO_CLOSE,
            retry_policy=DB_RETRY,
            summary=f"{self._inp.surface} · {summary}",
        )

    async def _llm(self, fn: Any, arg: Any, summary: str) -> Any:
        return await workflow.execute_activity_method(
            fn,
            arg,
            task_queue=llm_task_queue(self._inp.surface),
            start_to_close_timeout=timedelta(seconds=self._inp.llm_timeout_s) + LLM_TIMEOUT_SLACK,
            schedule_to_close_timeout=LLM_SCHEDULE_TO_CLOSE,
            heartbeat_timeout=LLM_HEARTBEAT,
            retry_policy=LLM_RETRY,
            summary=summary,
        )

    async def _record_paused(self, paused: bool) -> None:
        workflow.upsert_search_attributes(
            [AUDIT_STATUS.value_set("paused" if paused else "running")]
        )
        await self._db(
            RecordingActivities.set_run_paused,
            SetPausedInput(run_id=self._inp.run_id, paused=paused, reason=self._pause_reason),
            "paused" if paused else "resumed",
        )

    def _may_start(self) -> bool:
        return self._stopping() or (
            not self._paused and self._in_flight < self._inp.max_concurrency
        )

    def _stopping(self) -> bool:
        return self._cancel_reason is not None or self._fatal is not None

    async def _ask_and_record(self, query: QuerySpec, sample: int) -> None:
        # wait_condition wakes every waiter at once: re-check before taking a slot.
        while not self._may_start():
            await workflow.wait_condition(self._may_start)
        if self._stopping():
            self._skipped += 1
            return
        self._in_flight += 1
        self._current = query.text
        inp = self._inp
        label = f"{inp.surface} · q{query.index}/{len(inp.queries)}"
        if inp.samples_per_query > 1:
            label += f" s{sample + 1}"
        request = AnswerRequest(
            surface=inp.surface,
            run_id=inp.run_id,
            query=query,
            sample=sample,
            samples_per_query=inp.samples_per_query,
            profile=inp.profile,
            mode=inp.mode,
            web_search=inp.web_search,
            total_asks=self._total,
        )
        try:
            answered = await self._ask(request, label)
        except ActivityError as err:
            if is_cancelled_exception(err):
                raise
            self._in_flight -= 1
            await self._on_ask_failed(query, sample, err)
            return
        self._in_flight -= 1
        result = answered.recorded
        if result is None:
            assert answered.answer is not None
            result = await self._db(
                RecordingActivities.record_answer,
                RecordAnswerInput(
                    run_id=inp.run_id,
                    query=query,
                    sample=sample,
                    total_asks=self._total,
                    brand=brand_context(inp.profile),
                    answer=answered.answer,
                ),
                f"record q{query.index}",
            )
        self._on_recorded(result)

    async def _ask(self, request: AnswerRequest, label: str) -> Answered:
        """Since ANSWERS_STORED_ON_ASK one activity asks and stores (natural mode: ask, then
        extract and store); before it, the answer came back for a second activity to store."""
        stored = self._stored_on_ask
        title = f"{label} · {request.query.text[:80]}"
        ask = (
            request
            if stored
            else AskRequest.model_validate(request.model_dump(exclude={"total_asks"}))
        )
        if request.mode != "natural":
            direct = AnsweringActivities.ask_and_record if stored else AskingActivities.ask_surface
            result = await self._llm(direct, ask, title)
        else:
            natural: NaturalAnswer = await self._llm(AskingActivities.ask_natural, ask, title)
            self._paid[(request.query.query_id, request.sample)] = Spend(
                model=natural.model,
                input_tokens=natural.input_tokens,
                output_tokens=natural.output_tokens,
                web_searches=natural.web_searches,
                cost_usd=natural.cost_usd,
            )
            extract = ExtractRequest(
                surface=request.surface,
                run_id=request.run_id,
                query=request.query,
                profile=request.profile,
                natural=natural,
            )
            if stored:
                extract = ExtractAndRecordRequest.model_validate(
                    {**extract.model_dump(), "total_asks": request.total_asks}
                )
            result = await self._llm(
                AnsweringActivities.extract_and_record
                if stored
                else AskingActivities.extract_answer,
                extract,
                f"{label} · extract · {request.query.text[:60]}",
            )
            self._paid.pop((request.query.query_id, request.sample), None)
        return result if stored else Answered(answer=result)

    async def _on_ask_failed(self, query: QuerySpec, sample: int, err: ActivityError) -> None:
        message = _error_text(err)
        if _error_type(err) in FATAL_SURFACE_ERRORS:
            # 401/403/404 will not heal on the next query either: stop the whole surface.
            if self._fatal is None:
                self._fatal = message
                workflow.logger.warning("%s: surface failed: %s", self._inp.surface, message)
            return
        result: RecordResult = await self._db(
            RecordingActivities.record_query_error,
            RecordErrorInput(
                run_id=self._inp.run_id,
                query=query,
                sample=sample,
                total_asks=self._total,
                error=message,
                paid=self._paid.pop((query.query_id, sample), None),
            ),
            f"record error q{query.index}",
        )
        self._on_recorded(result)

    def _on_recorded(self, result: RecordResult) -> None:
        self._done, self._errors = max(self._done, result.done), max(self._errors, result.errors)
        self._cost = max(self._cost, result.run_cost_usd)
        budget = self._inp.max_cost_usd
        if self._budget_active and budget is not None and result.audit_cost_usd >= budget:
            # Stop buying at once; the parent pauses the other surfaces too.
            self._budget_active = False
            self._paused, self._pause_reason = True, "budget"
            self._signal_parent("budget_reached", result.audit_cost_usd)
        now = workflow.now()
        if self._last_details is None or now - self._last_details >= DETAILS_EVERY:
            self._last_details = now
            workflow.set_current_details(self._details())  # served by query: no history
        every = REPORT_TO_PARENT_EVERY if self._stored_on_ask else DETAILS_EVERY
        if self._last_report is None or now - self._last_report >= every:
            self._last_report = now
            self._report_to_parent()

    def _report_to_parent(self) -> None:
        self._signal_parent("child_progress", self.progress())

    def _signal_parent(self, name: str, arg: Any) -> None:
        parent = workflow.info().parent
        if parent is None:
            return
        handle = workflow.get_external_workflow_handle(parent.workflow_id)

        async def send() -> None:
            try:
                await handle.signal(name, arg)
            except ApplicationError as err:  # the parent may be closing; this is advisory
                workflow.logger.info("%s to parent skipped: %s", name, err)

        self._reports.append(asyncio.create_task(send()))

    def _details(self) -> str:
        p = self.progress()
        return f"**{p.done}/{p.total}** asked · {p.errors} errors · status `{p.status}`" + (
            f"\n\nnow asking: {p.current_query}" if p.current_query else ""
        )

    @workflow.signal
    def pause(self, reason: str | None = None) -> None:
        self._paused = True
        self._pause_reason = reason or self._pause_reason or "requested"

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
        if status == "running" and self._paused:
            status = "paused"
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
            current_query=self._current if status in ("running", "paused") else "",
        )
