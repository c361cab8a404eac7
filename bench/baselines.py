"""What the audit is measured against: the seed's executor and a plain asyncio one over the
same surfaces and database, and bare Temporal workflows doing no work."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from bench.asyncio_executor import run_audit
from bench.bare import BARE_QUEUE, BARE_SURFACES, BareAudit, BareSurface, bare_noop
from bench.harness import CONCURRENCY
from cli.stack import Stack
from db.engine import make_engine, make_sessionmaker
from db.properties import get_property, list_queries, profile_of
from surfaces.factory import build_surface


async def asyncio_baseline(stack: Stack, pid: str, concurrency: int) -> float:
    engine = make_engine(stack.settings.database_url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        prop = await get_property(session, uuid.UUID(pid))
        assert prop is not None
        profile = profile_of(prop)
        queries = [
            (q.id, q.text, q.type, q.weight)
            for q in await list_queries(session, prop.id, active_only=True)
        ]
    adapters = {
        n: build_surface(c) for n, c in stack.settings.surface_configs().items() if c.default
    }
    try:
        return await run_audit(sessions, prop.id, profile, queries, adapters, concurrency)
    finally:
        for adapter in adapters.values():
            await adapter.close()
        await engine.dispose()


async def bare_temporal(stack: Stack, audits: int, questions: int) -> float:
    client = await Client.connect(
        stack.settings.temporal_address, data_converter=pydantic_data_converter
    )
    workers = [
        Worker(
            client,
            task_queue=BARE_QUEUE,
            workflows=[BareAudit, BareSurface],
            activities=[bare_noop],
            max_concurrent_activities=64,
        ),
        *(
            Worker(
                client,
                task_queue=f"{BARE_QUEUE}-{s}",
                activities=[bare_noop],
                max_concurrent_activities=CONCURRENCY,
            )
            for s in BARE_SURFACES
        ),
    ]
    async with contextlib.AsyncExitStack() as running:
        for worker in workers:
            await running.enter_async_context(worker)
        started = time.perf_counter()
        handles = [
            await client.start_workflow(
                BareAudit.run, questions, id=f"bare-{uuid.uuid4()}", task_queue=BARE_QUEUE
            )
            for _ in range(audits)
        ]
        await asyncio.gather(*(h.result() for h in handles))
        return time.perf_counter() - started


async def max_history(stack: Stack) -> int:
    client = await Client.connect(stack.settings.temporal_address)
    longest = 0
    async for wf in client.list_workflows(
        "WorkflowType='SurfaceRun' OR WorkflowType='PropertyAudit'"
    ):
        desc = await client.get_workflow_handle(wf.id, run_id=wf.run_id).describe()
        longest = max(longest, desc.raw_description.workflow_execution_info.history_length)
    return longest
