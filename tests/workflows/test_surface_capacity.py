"""An audit's calls in flight reach what the surface's LLM workers can run together: replicas
(LLM_WORKERS_<S>, an extra's `workers`) × calls per replica. The plan comes from the real
PlanningActivities built as worker.py builds it; the LLM workers are that many Workers with that
many slots each; the calls are fakes that count how many run at once."""

from __future__ import annotations

import json
import uuid
from contextlib import AsyncExitStack
from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.runtime import Runtime, TelemetryConfig
from temporalio.worker import Worker

import worker
from activities.planning import PlanningActivities
from config.settings import Settings, settings_from_environ
from contracts.audit import AuditPlan, LoadPlanInput
from contracts.names import llm_task_queue
from contracts.status import AuditStatus
from surfaces.base import Surface
from tests.factories import opened_audit
from tests.workflows.fakes import FakeAudit, Running
from tests.workflows.steering import eventually, start
from workflows.property_audit import PropertyAuditWorkflow
from workflows.surface_run import SurfaceRunWorkflow

PER_WORKER, REPLICAS = 3, 2
Sessions = async_sessionmaker[AsyncSession]


def capacity_settings(name: str) -> Settings:
    extra: dict[str, object] = {"name": name, "base_url": "http://127.0.0.1:1/v1"}
    extra |= {"model": "gpt-5.5", "max_concurrency": PER_WORKER, "workers": REPLICAS}
    return settings_from_environ({"EXTRA_SURFACES": json.dumps([extra])})


def real_plan(planning: PlanningActivities, fake: FakeAudit, real: LoadPlanInput) -> Any:
    """`load_audit_plan` under its own name: the real activity on a real audit's rows, the plan
    handed to the fakes with their own run ids."""

    @activity.defn(name="load_audit_plan")
    async def load_audit_plan(inp: LoadPlanInput) -> AuditPlan:
        fake.calls.append(("load_audit_plan", inp))
        plan = await planning.load_audit_plan(real)
        fake.planned.set()
        surfaces = [
            sp.model_copy(update={"run_id": inp.run_ids[sp.surface]}) for sp in plan.surfaces
        ]
        return plan.model_copy(update={"surfaces": surfaces})

    return load_audit_plan


async def replica_client(client: Client) -> Client:
    """Another process's client: the SDK runs one worker per task queue per runtime, so each
    replica gets a runtime of its own, as each container has."""
    return await Client.connect(
        client.service_client.config.target_host,
        namespace=client.namespace,
        data_converter=client.data_converter,
        runtime=Runtime(telemetry=TelemetryConfig()),
    )


async def test_an_audits_calls_in_flight_reach_every_replicas_capacity(
    client: Client, sessions: Sessions
) -> None:
    name = f"cap{uuid.uuid4().hex[:8]}"
    settings = capacity_settings(name)
    opened = await opened_audit(sessions, [f"Question {i}" for i in range(1, 21)], (name,))
    # As worker.py's workflow_worker builds it (the next test holds it to that).
    planning = PlanningActivities(sessions, settings.planned_surfaces())
    real = LoadPlanInput(
        audit_id=str(opened.audit_id),
        property_id=str(opened.property_id),
        surfaces=[name],
        run_ids={name: str(opened.runs[name])},
    )
    fake = FakeAudit(questions=20, ask_seconds=0.0)
    fake.gate.clear()  # every call waits until the test has counted them
    queue = f"audit-{name}"
    database = [a for a in fake.database_activities() if a.__name__ != "load_audit_plan"]
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(
            Worker(
                client,
                task_queue=queue,
                workflows=[PropertyAuditWorkflow, SurfaceRunWorkflow],
                activities=[real_plan(planning, fake, real), *database],
            )
        )
        per_worker = settings.surface_configs()[name].max_concurrency
        for _ in range(settings.llm_workers(name)):  # the replicas, each with its own slots
            await stack.enter_async_context(
                Worker(
                    await replica_client(client),
                    task_queue=llm_task_queue(name),
                    activities=fake.llm_activities(),
                    max_concurrent_activities=per_worker,
                )
            )
        handle = await start(client, Running(task_queue=queue, surfaces=[name]))
        total = REPLICAS * PER_WORKER
        await eventually(f"{total} calls in flight", lambda: fake.in_flight[name] == total)
        fake.gate.set()
        result = await handle.result()
    assert result.status == AuditStatus.COMPLETED
    assert fake.max_in_flight[name] == total  # every replica busy, none over its share
    assert fake.asked(name) == 20


def test_worker_py_plans_with_the_replicas_and_drains_past_an_llm_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """worker.py's two kinds of Worker, as it builds them (the Worker itself stubbed out)."""
    monkeypatch.setattr(worker, "Worker", lambda client, **options: options)
    name = f"cap{uuid.uuid4().hex[:8]}"
    settings = capacity_settings(name)
    sessions = cast(Sessions, None)  # passed through, never opened
    client = cast(Client, None)
    built: dict[str, Any] = worker.workflow_worker(client, settings, sessions)  # type: ignore[assignment]
    [load] = [a for a in built["activities"] if a.__name__ == "load_audit_plan"]
    assert load.__self__._surfaces[name].max_concurrency == REPLICAS * PER_WORKER
    config = settings.surface_configs()[name]
    unused = cast(Surface, object())  # built, never run: nothing is asked
    llm: dict[str, Any] = worker.llm_worker(client, settings, config, unused, sessions)  # type: ignore[assignment]
    assert llm["max_concurrent_activities"] == PER_WORKER  # each replica its own share
    for each in (built, llm):
        assert each["graceful_shutdown_timeout"].total_seconds() == settings.graceful_shutdown_s
    assert settings.graceful_shutdown_s > settings.llm_timeout_s
