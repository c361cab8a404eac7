"""The asker's location from the audit's input to every ask its SurfaceRuns make, in both
modes, and into a scheduled start's own audit (real workflows, fake activities, a real dev
server)."""

from __future__ import annotations

import uuid

import pytest
from temporalio.client import Client

from contracts.status import AuditStatus
from geo.location import AskerLocation
from tests.workflows.fakes import FakeAudit, workers
from tests.workflows.steering import start
from workflows.property_audit import PropertyAuditWorkflow

SAN_DIEGO = AskerLocation(
    city="San Diego", region="CA", country="US", zip="92104", latitude=32.74, longitude=-117.13
)


@pytest.mark.parametrize("mode", ["structured", "natural"])
async def test_every_ask_carries_the_audits_location(client: Client, mode: str) -> None:
    fake = FakeAudit(questions=3)
    async with workers(client, fake) as running:
        handle = await start(client, running, mode=mode, asker_location=SAN_DIEGO)
        result = await handle.result()
    assert result.status == AuditStatus.COMPLETED
    asks = fake.called("ask")
    assert len(asks) == 2 * fake.questions
    assert {a.mode for a in asks} == {mode}
    assert all(a.asker_location == SAN_DIEGO for a in asks)


async def test_an_audit_without_a_location_asks_from_nowhere(client: Client) -> None:
    fake = FakeAudit(questions=2)
    async with workers(client, fake) as running:
        await (await start(client, running)).result()
    assert [a.asker_location for a in fake.called("ask")] == [None] * 4


async def test_a_scheduled_start_opens_its_audit_with_the_location(client: Client) -> None:
    fake = FakeAudit(questions=2)
    async with workers(client, fake) as running:
        inp = running.audit(asker_location=SAN_DIEGO).model_copy(
            update={"audit_id": "", "run_ids": {}}
        )
        await client.execute_workflow(
            PropertyAuditWorkflow.run,
            inp,
            id=f"audit-scheduled-{uuid.uuid4()}",
            task_queue=running.task_queue,
        )
    [opened] = fake.called("open_audit")
    assert opened.asker_location == SAN_DIEGO
