"""Fake activities under the real activity names, so the real workflows run in this process
against a real dev server in seconds: an in-memory audit that remembers every call."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from contracts.asking import (
    Answered,
    AnswerRequest,
    ExtractRequest,
    FinishRunInput,
    NaturalAnswer,
    RecordAnswerInput,
    RecordErrorInput,
    RecordResult,
    StartRunInput,
    Usage,
)
from contracts.audit import (
    AlertDecision,
    AuditInput,
    AuditPlan,
    AuditRef,
    BatchResult,
    CompleteBatchInput,
    LoadPlanInput,
    OpenAuditInput,
    QuerySpec,
    RunOutcome,
    SendAlertInput,
    SetPausedInput,
    SetStatusInput,
    StoreSummaryInput,
    SummaryRequest,
    SurfacePlan,
)
from contracts.names import llm_task_queue
from contracts.status import RunStatus
from db.audits import batch_status
from geo.profile import Address, PropertyProfile
from workflows.property_audit import PropertyAuditWorkflow
from workflows.surface_run import SurfaceRunWorkflow


@dataclass
class FakeAudit:
    """The world the workflows see: a panel, surfaces, and how asking them behaves."""

    questions: int = 6
    max_concurrency: int = 4
    ask_seconds: float = 0.02
    cost_per_answer: float = 0.0
    failing: set[str] = field(default_factory=set)  # surfaces answering 401
    chunk_size: int = 200
    history_budget: int = 3_000
    gate: asyncio.Event = field(default_factory=asyncio.Event)  # cleared: asks wait
    planned: asyncio.Event = field(default_factory=asyncio.Event)  # set: the plan was loaded
    calls: list[tuple[str, Any]] = field(default_factory=list)
    answers: Counter[tuple[str, str, int]] = field(default_factory=Counter)  # (run, query, sample)
    in_flight: Counter[str] = field(default_factory=Counter)
    max_in_flight: Counter[str] = field(default_factory=Counter)
    cost: float = 0.0

    def __post_init__(self) -> None:
        self.gate.set()

    def called(self, name: str) -> list[Any]:
        return [arg for n, arg in self.calls if n == name]

    def asked(self, surface: str | None = None) -> int:
        return sum(1 for n, a in self.calls if n == "ask" and surface in (None, a.surface))

    def queries(self) -> list[QuerySpec]:
        return [
            QuerySpec(query_id=f"q{i}", text=f"Question {i}", type="category", index=i)
            for i in range(1, self.questions + 1)
        ]

    # -- the workflow's own queue: planning and the database ---------------------------------
    @activity.defn(name="load_audit_plan")
    async def load_audit_plan(self, inp: LoadPlanInput) -> AuditPlan:
        self.calls.append(("load_audit_plan", inp))
        self.planned.set()
        return AuditPlan(
            profile=PropertyProfile(name="Fake Flats", address=Address(city="Austin", state="TX")),
            queries=self.queries(),
            surfaces=[
                SurfacePlan(
                    surface=s,
                    run_id=inp.run_ids[s],
                    model=f"{s}-model",
                    max_concurrency=self.max_concurrency,
                    timeout_s=5,
                    chunk_size=self.chunk_size,
                    history_budget=self.history_budget,
                )
                for s in inp.surfaces
            ],
        )

    @activity.defn(name="open_audit")
    async def open_audit(self, inp: OpenAuditInput) -> AuditInput:
        self.calls.append(("open_audit", inp))
        return AuditInput(
            audit_id=inp.audit_id,
            property_id=inp.property_id,
            surfaces=inp.surfaces,
            run_ids={s: f"run-{s}-{inp.audit_id[:8]}" for s in inp.surfaces},
            max_cost_usd=inp.max_cost_usd,
        )

    @activity.defn(name="start_run")
    async def start_run(self, inp: StartRunInput) -> None:
        self.calls.append(("start_run", inp))

    @activity.defn(name="set_run_paused")
    async def set_run_paused(self, inp: SetPausedInput) -> None:
        self.calls.append(("set_run_paused", inp))

    @activity.defn(name="set_audit_paused")
    async def set_audit_paused(self, inp: SetPausedInput) -> None:
        self.calls.append(("set_audit_paused", inp))

    @activity.defn(name="set_audit_status")
    async def set_audit_status(self, inp: SetStatusInput) -> None:
        self.calls.append(("set_audit_status", inp))

    def _recorded(self, run_id: str) -> RecordResult:
        done = sum(n for (run, _, _), n in self.answers.items() if run == run_id)
        errors = sum(
            1 for n, a in self.calls if n == "record_query_error" and a.ask.run_id == run_id
        )
        return RecordResult(
            stored=True, done=done, errors=errors, run_cost_usd=0.0, audit_cost_usd=self.cost
        )

    @activity.defn(name="record_answer")
    async def record_answer(self, inp: RecordAnswerInput) -> RecordResult:
        self.calls.append(("record_answer", inp))
        return self._recorded(inp.ask.run_id)

    @activity.defn(name="record_query_error")
    async def record_query_error(self, inp: RecordErrorInput) -> RecordResult:
        self.calls.append(("record_query_error", inp))
        return self._recorded(inp.ask.run_id)

    @activity.defn(name="finish_run")
    async def finish_run(self, inp: FinishRunInput) -> RunOutcome:
        self.calls.append(("finish_run", inp))
        surface = inp.run_id.split("-")[1]
        answered = sum(n for (run, _, _), n in self.answers.items() if run == inp.run_id)
        return RunOutcome(
            surface=surface, run_id=inp.run_id, status=RunStatus(inp.status), answered=answered
        )

    @activity.defn(name="complete_batch")
    async def complete_batch(self, inp: CompleteBatchInput) -> BatchResult:
        self.calls.append(("complete_batch", inp))
        status = batch_status([o.status for o in inp.outcomes])
        return BatchResult(audit_id=inp.audit_id, status=status, recorded_now=True)

    @activity.defn(name="analyze_batch")
    async def analyze_batch(self, inp: AuditRef) -> dict[str, Any]:
        self.calls.append(("analyze_batch", inp))
        return {"surfaces": []}

    @activity.defn(name="store_summary")
    async def store_summary(self, inp: StoreSummaryInput) -> dict[str, Any]:
        self.calls.append(("store_summary", inp))
        return {}

    @activity.defn(name="check_alerts")
    async def check_alerts(self, inp: AuditRef) -> AlertDecision:
        self.calls.append(("check_alerts", inp))
        return AlertDecision(send=False)

    @activity.defn(name="send_alert")
    async def send_alert(self, inp: SendAlertInput) -> bool:
        self.calls.append(("send_alert", inp))
        return True

    # -- each surface's queue: the paid calls ------------------------------------------------
    async def _paid_call(self, surface: str) -> None:
        if surface in self.failing:
            raise ApplicationError(f"{surface}: HTTP 401", type="AuthError", non_retryable=True)
        self.in_flight[surface] += 1
        self.max_in_flight[surface] = max(self.max_in_flight[surface], self.in_flight[surface])
        try:
            await self.gate.wait()
            await asyncio.sleep(self.ask_seconds)
        finally:
            self.in_flight[surface] -= 1

    @activity.defn(name="ask_and_record")
    async def ask_and_record(self, req: AnswerRequest) -> Answered:
        self.calls.append(("ask", req))
        await self._paid_call(req.surface)
        self.answers[(req.ask.run_id, req.ask.query.query_id, req.ask.sample)] += 1
        self.cost += self.cost_per_answer
        return Answered(recorded=self._recorded(req.ask.run_id))

    @activity.defn(name="ask_natural")
    async def ask_natural(self, req: AnswerRequest) -> NaturalAnswer:
        self.calls.append(("ask", req))
        await self._paid_call(req.surface)
        return NaturalAnswer(text="1. **Fake Flats** — nice.", usage=Usage(model="m"))

    @activity.defn(name="extract_and_record")
    async def extract_and_record(self, req: ExtractRequest) -> Answered:
        self.calls.append(("extract", req))
        self.answers[(req.ask.run_id, req.ask.query.query_id, req.ask.sample)] += 1
        return Answered(recorded=self._recorded(req.ask.run_id))

    @activity.defn(name="summarize_batch")
    async def summarize_batch(self, req: SummaryRequest) -> dict[str, Any]:
        self.calls.append(("summarize_batch", req))
        return {"source": "llm", "summary": "fine", "key_insights": [], "action_items": []}

    def database_activities(self) -> list[Any]:
        return [
            self.load_audit_plan,
            self.open_audit,
            self.start_run,
            self.set_run_paused,
            self.set_audit_paused,
            self.set_audit_status,
            self.record_answer,
            self.record_query_error,
            self.finish_run,
            self.complete_batch,
            self.analyze_batch,
            self.store_summary,
            self.check_alerts,
            self.send_alert,
        ]

    def llm_activities(self) -> list[Any]:
        return [
            self.ask_and_record,
            self.ask_natural,
            self.extract_and_record,
            self.summarize_batch,
        ]


@dataclass
class Running:
    task_queue: str
    surfaces: list[str]

    def audit(self, **fields: Any) -> AuditInput:
        audit_id = str(uuid.uuid4())
        return AuditInput(
            audit_id=audit_id,
            property_id="p1",
            surfaces=self.surfaces,
            run_ids={s: f"run-{s}-{audit_id[:8]}" for s in self.surfaces},
            **fields,
        )


@asynccontextmanager
async def workers(
    client: Client,
    fake: FakeAudit,
    surfaces: int = 2,
    runner: WorkflowRunner | None = None,
) -> AsyncIterator[Running]:
    """A worker on a queue of this test's own for the workflows (in the SDK's sandbox unless
    `runner` says otherwise), and one per surface (with names of this test's own, so no other
    test's worker takes its tasks)."""
    tag = uuid.uuid4().hex[:8]
    names = [f"s{i}{tag}" for i in range(1, surfaces + 1)]
    queue = f"audit-{tag}"
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(
            Worker(
                client,
                task_queue=queue,
                workflows=[PropertyAuditWorkflow, SurfaceRunWorkflow],
                activities=fake.database_activities(),
                workflow_runner=runner or SandboxedWorkflowRunner(),
            )
        )
        for name in names:
            await stack.enter_async_context(
                Worker(client, task_queue=llm_task_queue(name), activities=fake.llm_activities())
            )
        yield Running(task_queue=queue, surfaces=names)
