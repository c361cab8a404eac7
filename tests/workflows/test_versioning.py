"""Worker Versioning: an audit stays on the build that started it. With build v2 current, an
audit started under v1 is finished by v1's workers (its workflow code and its activities),
while a new audit goes to v2: no `patched()` needed for a change that only new audits see."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from temporalio.api.workflowservice.v1 import SetWorkerDeploymentCurrentVersionRequest
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.worker import Worker

from config.settings import Settings
from contracts.names import llm_task_queue
from contracts.status import AuditStatus
from tests.workflows.fakes import FakeAudit, Running
from tests.workflows.steering import eventually, start
from worker import deployment
from workflows.property_audit import PropertyAuditWorkflow
from workflows.surface_run import SurfaceRunWorkflow


@asynccontextmanager
async def build(
    client: Client, fake: FakeAudit, build_id: str, deployment_name: str, running: Running
) -> AsyncIterator[None]:
    """The workers of one build, as worker.py makes them with WORKER_BUILD_ID set."""
    settings = Settings(
        worker_build_id=build_id, worker_deployment_name=deployment_name, _env_file=None
    )  # type: ignore[call-arg]
    config = deployment(settings)
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(
            Worker(
                client,
                task_queue=running.task_queue,
                workflows=[PropertyAuditWorkflow, SurfaceRunWorkflow],
                activities=fake.database_activities(),
                deployment_config=config,
            )
        )
        for surface in running.surfaces:
            await stack.enter_async_context(
                Worker(
                    client,
                    task_queue=llm_task_queue(surface),
                    activities=fake.llm_activities(),
                    deployment_config=config,
                )
            )
        yield


async def make_current(client: Client, deployment_name: str, build_id: str) -> None:
    """What a rollout does once the new build's workers poll (`temporal worker deployment
    set-current-version`); refused until the server has seen them."""

    async def attempt() -> bool:
        try:
            await client.workflow_service.set_worker_deployment_current_version(
                SetWorkerDeploymentCurrentVersionRequest(
                    namespace=client.namespace,
                    deployment_name=deployment_name,
                    build_id=build_id,
                )
            )
        except RPCError:
            return False
        return True

    await eventually(f"{build_id} current", attempt, timeout=30)


async def test_an_audit_finishes_on_the_build_that_started_it(client: Client) -> None:
    name = f"propertyaudit-{uuid.uuid4().hex[:6]}"
    tag = uuid.uuid4().hex[:8]
    running = Running(task_queue=f"audit-{tag}", surfaces=[f"s1{tag}"])
    old, new = FakeAudit(questions=6, max_concurrency=1), FakeAudit(questions=6)
    old.gate.clear()  # the old build's first call waits until v2 is current
    async with build(client, old, "v1", name, running):
        await make_current(client, name, "v1")
        first = await start(client, running)
        await eventually("v1 asking", lambda: old.asked() == 1)
        async with build(client, new, "v2", name, running):
            await make_current(client, name, "v2")
            second = await start(client, running)
            assert (await second.result()).status == AuditStatus.COMPLETED
            old.gate.set()
            assert (await first.result()).status == AuditStatus.COMPLETED
    # v1 served every call of the audit it started, v2 every call of the new one.
    assert old.asked() == 6 and len(old.answers) == 6
    assert new.asked() == 6 and len(new.answers) == 6
    assert {r for r, _, _ in old.answers} != {r for r, _, _ in new.answers}
    described = await first.describe()
    assert described.raw_description.workflow_execution_info.versioning_info.behavior == 1
