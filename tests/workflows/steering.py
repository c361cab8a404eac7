"""Driving the workflows under test: start an audit on the fakes' workers, query it, wait for
what a test expects."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any

from temporalio.client import Client, WorkflowHandle

from contracts.audit import AuditProgress, AuditResult
from contracts.names import surface_workflow_id
from tests.workflows.fakes import Running
from workflows.property_audit import PropertyAuditWorkflow
from workflows.surface_run import SurfaceRunWorkflow


def queue() -> str:
    """A task queue of one test's own, so no other test's worker picks its tasks."""
    return f"test-{uuid.uuid4().hex[:12]}"


Handle = WorkflowHandle[PropertyAuditWorkflow, AuditResult]


async def eventually(what: str, check: Callable[[], Any], timeout: float = 10) -> Any:
    """Poll `check` until it holds (each poll is a real answer from the server or the fakes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"never: {what}")


async def start(client: Client, running: Running, **fields: Any) -> Handle:
    inp = running.audit(**fields)
    return await client.start_workflow(
        PropertyAuditWorkflow.run,
        inp,
        id=f"audit-{inp.audit_id}",
        task_queue=running.task_queue,
    )


async def progress(handle: Handle) -> AuditProgress:
    return await handle.query(PropertyAuditWorkflow.progress)


async def child_paused(client: Client, handle: Handle, surface: str) -> bool:
    audit_id = handle.id.removeprefix("audit-")
    child = client.get_workflow_handle(surface_workflow_id(audit_id, surface))
    try:
        return (await child.query(SurfaceRunWorkflow.progress)).paused
    except Exception:  # noqa: BLE001 - the child does not exist yet
        return False
