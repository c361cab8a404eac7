"""What the sandbox loads for each new workflow: only the workflow's own module. The helpers it
imports (workflows.calls, the parent's module) are passed through from the worker; loaded again
for every SurfaceRun they were a sixth of the workflow worker's CPU."""

from __future__ import annotations

import importlib._bootstrap as bootstrap
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from config.settings import Settings
from contracts.status import AuditStatus
from tests.workflows.fakes import FakeAudit, workers
from tests.workflows.steering import start
from worker import workflow_runner
from workflows.property_audit import PropertyAuditWorkflow
from workflows.surface_run import SurfaceRunWorkflow

HISTORIES = Path(__file__).parent.parent / "replay" / "histories"


async def loads(
    monkeypatch: pytest.MonkeyPatch, history: WorkflowHistory, times: int
) -> Counter[str]:
    """The modules loaded while one worker replays `history` `times` times (its start, which
    loads every workflow's module once to check it, included)."""
    loaded: Counter[str] = Counter()
    # The one loader every import goes through, the sandbox's own included (private, hence
    # untyped).
    load = bootstrap._load_unlocked  # type: ignore[attr-defined]

    def counting(spec: Any) -> Any:
        loaded[spec.name] += 1
        return load(spec)

    async def histories() -> AsyncIterator[WorkflowHistory]:
        for _ in range(times):
            yield history

    replayer = Replayer(
        workflows=[PropertyAuditWorkflow, SurfaceRunWorkflow],
        data_converter=pydantic_data_converter,
    )
    with monkeypatch.context() as patch:
        patch.setattr(bootstrap, "_load_unlocked", counting)
        await replayer.replay_workflows(histories())
    return loaded


async def test_each_surface_run_loads_only_its_own_module(monkeypatch: pytest.MonkeyPatch) -> None:
    path = sorted(HISTORIES.glob("*/completed.openai.json"))[-1]
    history = WorkflowHistory.from_json(path.stem, path.read_text())

    once, thrice = await loads(monkeypatch, history, 1), await loads(monkeypatch, history, 3)

    per_run = {
        name: (thrice[name] - once[name]) / 2 for name in thrice if thrice[name] > once[name]
    }
    ours = {name for name in per_run if name.split(".")[0] in ("workflows", "activities", "db")}
    assert per_run.get("workflows.surface_run") == 1  # the sandbox does run the workflow's module
    assert ours == {"workflows", "workflows.surface_run"}, per_run


def test_workflows_run_in_the_sandbox_unless_the_settings_say_otherwise() -> None:
    assert isinstance(workflow_runner(Settings(_env_file=None)), SandboxedWorkflowRunner)  # type: ignore[call-arg]
    production = Settings(workflow_sandbox=False, _env_file=None)  # type: ignore[call-arg]
    assert isinstance(workflow_runner(production), UnsandboxedWorkflowRunner)


async def test_audits_side_by_side_outside_the_sandbox_share_no_state(client: Client) -> None:
    """Without the sandbox's isolation, workflows of one worker share its modules: two audits at
    once must still each ask every question once and complete."""
    fake = FakeAudit(questions=12, ask_seconds=0.01, max_concurrency=3)
    runner = workflow_runner(Settings(workflow_sandbox=False, _env_file=None))  # type: ignore[call-arg]
    async with workers(client, fake, runner=runner) as running:
        handles = [await start(client, running), await start(client, running)]
        results = [await h.result() for h in handles]
    assert [r.status for r in results] == [AuditStatus.COMPLETED] * 2
    assert fake.asked() == 2 * 2 * fake.questions
