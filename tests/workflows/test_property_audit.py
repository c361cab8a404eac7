"""PropertyAudit and SurfaceRun in this process, on a real dev server, with fake activities:
pause, resume, cancel, budgets, a failing surface, continue-as-new, concurrency."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from functools import partial

import pytest
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import CancelledError

from contracts.audit import AuditProgress
from contracts.names import surface_workflow_id
from contracts.status import AuditStatus, PauseReason, RunStatus
from tests.workflows.fakes import FakeAudit, workers
from tests.workflows.steering import Handle, child_paused, eventually, progress, start
from workflows.property_audit import PropertyAuditWorkflow


async def test_a_pause_sent_before_the_children_exist_is_kept(client: Client) -> None:
    fake = FakeAudit()
    async with workers(client, fake) as running:
        inp = running.audit()
        handle = await client.start_workflow(
            PropertyAuditWorkflow.run,
            inp,
            id=f"audit-{inp.audit_id}",
            task_queue=running.task_queue,
            start_signal="pause",  # with the start, before any child exists
        )
        for surface in running.surfaces:
            await eventually(f"{surface} paused", partial(child_paused, client, handle, surface))
        await eventually("runs recorded paused", lambda: len(fake.called("set_run_paused")) == 2)
        assert fake.asked() == 0  # nothing was bought while paused
        await handle.signal(PropertyAuditWorkflow.resume)
        result = await handle.result()
    assert result.status == AuditStatus.COMPLETED
    assert fake.asked() == 2 * fake.questions


@pytest.mark.parametrize("delay_ms", [0, 5, 15, 30])
async def test_a_pause_sent_while_the_children_start_reaches_them(
    client: Client, delay_ms: int
) -> None:
    """The signal lands between the command that starts a child and the child's start: the
    relay does not know the child yet, so the child must catch up once it is started."""
    fake = FakeAudit(questions=30, ask_seconds=0.05, max_concurrency=1)
    async with workers(client, fake) as running:
        handle = await start(client, running)
        await fake.planned.wait()
        await asyncio.sleep(delay_ms / 1000)
        await handle.signal(PropertyAuditWorkflow.pause, None)
        for surface in running.surfaces:
            await eventually(f"{surface} paused", partial(child_paused, client, handle, surface))
        await eventually("nothing in flight", lambda: sum(fake.in_flight.values()) == 0)
        asked = fake.asked()
        await asyncio.sleep(0.3)
        assert fake.asked() == asked  # paused means no new call
        await handle.signal(PropertyAuditWorkflow.resume)
        result = await handle.result()
    assert result.status == AuditStatus.COMPLETED
    assert fake.asked() == 2 * fake.questions


async def test_quick_pause_resume_signals_keep_their_order(client: Client) -> None:
    fake = FakeAudit(questions=20, ask_seconds=0.05, max_concurrency=2)
    fake.gate.clear()  # the first calls wait: no child can finish under the signals
    async with workers(client, fake) as running:
        handle = await start(client, running)
        await eventually("asking", lambda: fake.asked() == 4)
        for signal in ("pause", "resume", "pause", "resume", "pause"):
            if signal == "pause":
                await handle.signal(PropertyAuditWorkflow.pause, None)
            else:
                await handle.signal(PropertyAuditWorkflow.resume)
        for surface in running.surfaces:  # the last word was pause, on every child
            await eventually(f"{surface} paused", partial(child_paused, client, handle, surface))
        state = await progress(handle)
        assert state.paused and state.pause_reason == PauseReason.REQUESTED
        fake.gate.set()  # the calls in flight finish; no new one starts while paused
        asked = fake.asked()

        # The database mirror ends in the same state: each run's last write says paused.
        def last_written() -> dict[str, bool]:
            return {c.run_id: c.paused for c in fake.called("set_run_paused")}

        await eventually(
            "the mirror ends paused",
            lambda: len(last_written()) == 2 and all(last_written().values()),
        )
        await handle.signal(PropertyAuditWorkflow.resume)
        result = await handle.result()
    assert result.status == AuditStatus.COMPLETED and fake.asked() >= asked
    assert set(fake.answers.values()) == {1} and len(fake.answers) == 2 * fake.questions


async def test_a_graceful_cancel_keeps_what_was_answered(client: Client) -> None:
    fake = FakeAudit(questions=12, max_concurrency=1, ask_seconds=0.05)
    async with workers(client, fake) as running:
        handle = await start(client, running)
        await eventually("some answers", lambda: len(fake.answers) >= 4)
        await handle.signal(PropertyAuditWorkflow.cancel, "enough")
        result = await handle.result()
    assert result.status == AuditStatus.CANCELLED
    assert {r.status for r in result.runs} == {RunStatus.CANCELLED}
    answered = sum(r.answered for r in result.runs)
    assert 4 <= answered < 2 * fake.questions  # kept, and the rest never asked
    assert len(fake.answers) == answered
    finished = fake.called("finish_run")
    assert {f.status for f in finished} == {RunStatus.CANCELLED}
    assert all(f.error_message == "enough" for f in finished)


async def test_temporal_cancel_closes_the_audit_as_cancelled(client: Client) -> None:
    fake = FakeAudit(questions=30, max_concurrency=1, ask_seconds=0.1)
    async with workers(client, fake) as running:
        handle = await start(client, running)
        await eventually("asking", lambda: fake.asked() > 0)
        await handle.cancel()
        with pytest.raises(WorkflowFailureError) as failure:
            await handle.result()
    assert isinstance(failure.value.cause, CancelledError)
    closed = fake.called("set_audit_status")
    assert [c.status for c in closed] == [AuditStatus.CANCELLED]
    assert {f.status for f in fake.called("finish_run")} == {RunStatus.CANCELLED}
    assert fake.asked() < 2 * fake.questions


async def test_the_budget_pauses_everything_and_resume_goes_past_it(client: Client) -> None:
    fake = FakeAudit(questions=10, max_concurrency=1, cost_per_answer=0.01)
    async with workers(client, fake) as running:
        handle = await start(client, running, max_cost_usd=0.05)
        state = await eventually(
            "paused by the budget",
            lambda: _budget_paused(handle),
        )
        assert state.pause_reason == PauseReason.BUDGET
        for surface in running.surfaces:
            await eventually(f"{surface} paused", partial(child_paused, client, handle, surface))
        stopped_at = fake.asked()
        assert stopped_at < 2 * fake.questions
        paused = [c for c in fake.called("set_audit_paused") if c.paused]
        assert paused and paused[-1].reason == PauseReason.BUDGET
        await handle.signal(PropertyAuditWorkflow.resume)
        result = await handle.result()
    assert result.status == AuditStatus.COMPLETED
    assert len(fake.answers) == 2 * fake.questions  # past the budget, once resumed


async def _budget_paused(handle: Handle) -> AuditProgress | None:
    state = await progress(handle)
    return state if state.paused else None


async def test_a_failing_surface_stops_only_itself(client: Client) -> None:
    fake = FakeAudit(questions=8, max_concurrency=1, ask_seconds=0.1)
    async with workers(client, fake) as running:
        good, bad = running.surfaces
        fake.failing.add(bad)
        handle = await start(client, running)
        await eventually("the bad surface closed", lambda: fake.called("finish_run"))
        # Relayed to a child that has already closed: the parent must not fail for it.
        await handle.signal(PropertyAuditWorkflow.pause)
        await handle.signal(PropertyAuditWorkflow.resume)
        result = await handle.result()
    by_surface = {r.surface: r for r in result.runs}
    assert result.status == AuditStatus.PARTIAL
    assert by_surface[good].status == RunStatus.COMPLETED
    assert by_surface[bad].status == RunStatus.FAILED and "401" in (
        by_surface[bad].error_message or ""
    )
    assert fake.asked(good) == fake.questions
    assert fake.asked(bad) <= 2  # one round of calls in flight, then the surface stopped
    assert not fake.called("record_query_error")  # a dead surface is not a list of errors


async def test_a_long_run_continues_as_new_and_carries_its_progress(client: Client) -> None:
    fake = FakeAudit(questions=10, chunk_size=3, history_budget=50, max_concurrency=3)
    async with workers(client, fake, surfaces=1) as running:
        handle = await start(client, running, samples_per_query=2)
        result = await handle.result()
        child_id = surface_workflow_id(handle.id.removeprefix("audit-"), running.surfaces[0])
        chain = [w async for w in client.list_workflows(f'WorkflowId = "{child_id}"')]
    assert result.status == AuditStatus.COMPLETED
    assert len(chain) >= 2, "the run never continued as new"
    # Every (question, sample) asked exactly once across the whole chain, and counted.
    assert set(fake.answers.values()) == {1} and len(fake.answers) == 20
    assert result.runs[0].answered == 20
    assert Counter(q for _, q, _ in fake.answers) == {f"q{i}": 2 for i in range(1, 11)}


async def test_no_run_has_more_calls_in_flight_than_its_limit(client: Client) -> None:
    fake = FakeAudit(questions=15, max_concurrency=3, ask_seconds=0.05)
    async with workers(client, fake) as running:
        result = await (await start(client, running)).result()
    assert result.status == AuditStatus.COMPLETED
    assert {fake.max_in_flight[s] for s in running.surfaces} == {3}


async def test_a_scheduled_start_opens_its_own_audit(client: Client) -> None:
    """A Schedule starts the workflow with no audit id: it makes its rows itself."""
    fake = FakeAudit(questions=2)
    async with workers(client, fake) as running:
        inp = running.audit(max_cost_usd=9.0).model_copy(update={"audit_id": "", "run_ids": {}})
        result = await client.execute_workflow(
            PropertyAuditWorkflow.run,
            inp,
            id=f"audit-scheduled-{uuid.uuid4()}",
            task_queue=running.task_queue,
        )
    [opened] = fake.called("open_audit")
    assert opened.max_cost_usd == 9.0 and result.audit_id == opened.audit_id
    assert result.status == AuditStatus.COMPLETED
