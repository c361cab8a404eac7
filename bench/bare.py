"""Bare Temporal: the same shape of workflows and activities, doing nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta

from temporalio import activity, workflow

BARE_QUEUE = "bench-bare"
BARE_SURFACES = ("a", "b")


@activity.defn
async def bare_noop(_: int) -> int:
    return 0


def _noop(i: int, task_queue: str | None = None) -> Awaitable[int]:
    return workflow.execute_activity(
        bare_noop, i, task_queue=task_queue, start_to_close_timeout=timedelta(seconds=30)
    )


@workflow.defn
class BareSurface:
    @workflow.run
    async def run(self, questions: int, surface: str) -> int:
        gate = asyncio.Semaphore(8)

        async def one(i: int) -> None:
            async with gate:
                # SurfaceRun: one activity on the surface's own queue asks and stores each question.
                await _noop(i, f"{BARE_QUEUE}-{surface}")

        await _noop(-1)  # start the run
        await asyncio.gather(*(one(i) for i in range(questions)))
        await _noop(-2)  # finish the run
        return questions


@workflow.defn
class BareAudit:
    @workflow.run
    async def run(self, questions: int) -> int:
        await _noop(-1)  # load the plan
        children = [
            workflow.execute_child_workflow(
                BareSurface.run, args=[questions, s], id=f"{workflow.info().workflow_id}-{s}"
            )
            for s in BARE_SURFACES
        ]
        answered = sum(await asyncio.gather(*children))
        await _noop(-2)  # complete the batch
        return answered
