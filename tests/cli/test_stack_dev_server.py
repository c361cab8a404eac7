"""The file-backed dev server `make up` runs (cli.stack): its SQLite file in WAL mode, so each
history write is not an fsync (the rollback journal's default cost ~0.2 s per task there), and
what it committed is still there after it is killed."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import pytest
from google.protobuf.duration_pb2 import Duration
from temporalio.api.workflowservice.v1 import ListNamespacesRequest, RegisterNamespaceRequest
from temporalio.client import Client

from cli.stack import Stack, side_by_side_env

pytestmark = pytest.mark.slow
KEPT = "kept-after-kill"


async def register(address: str) -> None:
    client = await Client.connect(address)
    await client.workflow_service.register_namespace(
        RegisterNamespaceRequest(
            namespace=KEPT, workflow_execution_retention_period=Duration(seconds=86_400)
        )
    )


async def namespaces(address: str) -> set[str]:
    client = await Client.connect(address)
    listed = await client.workflow_service.list_namespaces(ListNamespacesRequest())
    return {n.namespace_info.name for n in listed.namespaces}


def test_the_dev_server_keeps_its_file_in_wal_mode_and_survives_a_kill(tmp_path: Path) -> None:
    env = side_by_side_env(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
    stack = Stack(
        env,
        data_dir=tmp_path,
        temporal_db=True,
        with_simulator=False,
        with_api=False,
        with_worker=False,
    )
    address = stack.settings.temporal_address
    try:
        stack.start()
        with sqlite3.connect(tmp_path / "temporal.db") as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        asyncio.run(register(address))
        stack.stop_process("temporal", signal.SIGKILL)
        stack.start_temporal()
        assert KEPT in asyncio.run(namespaces(address))
    finally:
        stack.stop()
