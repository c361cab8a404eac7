"""An open audit's live progress (api.services.audits.live_progress): its workflow and its open
runs' workflows are asked, all at once; a run whose row is final is not (a worker would replay
its closed workflow's whole history to say what the row already says)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, cast

from temporalio.client import Client

from api.services.audits import live_progress
from contracts.audit import AuditProgress, SurfaceProgress
from db.models import Audit


class Handle:
    def __init__(self, temporal: FakeTemporal, workflow_id: str) -> None:
        self.temporal, self.id = temporal, workflow_id

    async def query(self, name: str, **_: Any) -> Any:
        self.temporal.asked.append(self.id)
        self.temporal.in_flight += 1
        self.temporal.most_in_flight = max(self.temporal.most_in_flight, self.temporal.in_flight)
        await asyncio.sleep(0)  # let the other queries start before this one answers
        self.temporal.in_flight -= 1
        return self.temporal.answers.get(self.id)


class FakeTemporal:
    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.asked: list[str] = []
        self.in_flight = self.most_in_flight = 0

    def get_workflow_handle(self, workflow_id: str) -> Handle:
        return Handle(self, workflow_id)


def audit(*runs: tuple[str, str]) -> Audit:
    rows = [SimpleNamespace(surface=s, status=st, workflow_id=f"audit-1-{s}") for s, st in runs]
    return cast(Audit, SimpleNamespace(workflow_id="audit-1", runs=rows))


def progress(surface: str, done: int) -> SurfaceProgress:
    return SurfaceProgress(surface=surface, run_id=surface, status="running", done=done, total=26)


PARENT = AuditProgress(audit_id="1", status="running", surfaces=[])


async def test_closed_runs_are_not_asked_and_the_rest_are_asked_together() -> None:
    temporal = FakeTemporal({"audit-1": PARENT, "audit-1-claude": progress("claude", 20)})

    live, children = await live_progress(
        cast(Client, temporal), audit(("openai", "completed"), ("claude", "running"))
    )

    assert live == PARENT
    assert children == {"claude": progress("claude", 20)}
    assert sorted(temporal.asked) == ["audit-1", "audit-1-claude"]
    assert temporal.most_in_flight == 2


async def test_without_the_audit_s_workflow_there_is_no_live_progress() -> None:
    temporal = FakeTemporal({"audit-1-openai": progress("openai", 3)})

    live, children = await live_progress(cast(Client, temporal), audit(("openai", "running")))

    assert (live, children) == (None, {})


async def test_a_run_that_does_not_answer_keeps_its_row() -> None:
    temporal = FakeTemporal({"audit-1": PARENT})

    live, children = await live_progress(
        cast(Client, temporal), audit(("openai", "running"), ("claude", "paused"))
    )

    assert live == PARENT and children == {}
    assert sorted(temporal.asked) == ["audit-1", "audit-1-claude", "audit-1-openai"]
