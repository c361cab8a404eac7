"""Bare Temporal: the same shape of workflows and activities, doing nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import activity, workflow

BARE_QUEUE = "bench-bare"


@activity.defn
async def bare_noop(_: int) -> int:
    return 0


@workflow.defn
class BareSurface:
    @workflow.run
    async def run(self, questions: int) -> int:
        gate = asyncio.Semaphore(8)

        async def one(i: int) -> None:
            async with gate:
                # Two activities per question, as in SurfaceRun (ask, then record).
                for _ in range(2):
                    await workflow.execute_activity(
                        bare_noop, i, start_to_close_timeout=timedelta(seconds=30)
                    )

        await asyncio.gather(*(one(i) for i in range(questions)))
        return questions


@workflow.defn
class BareAudit:
    @workflow.run
    async def run(self, questions: int) -> int:
        children = [
            workflow.execute_child_workflow(
                BareSurface.run, questions, id=f"{workflow.info().workflow_id}-{s}"
            )
            for s in ("a", "b")
        ]
        return sum(await asyncio.gather(*children))
