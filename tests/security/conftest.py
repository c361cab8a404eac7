"""The API in this process with a Temporal client that records what it is asked (no server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from temporalio.service import RPCError, RPCStatusCode

from api.main import create_app
from config.settings import Settings
from db.migrate import upgrade_head
from tests.api.conftest import Api, api

ADMIN = "pa-admin-key-0123456789abcdef"


class FakeHandle:
    def __init__(self, temporal: FakeTemporal, workflow_id: str) -> None:
        self.temporal = temporal
        self.id = workflow_id

    async def signal(self, *args: Any) -> None:
        self.temporal.calls.append(("signal", self.id, args))

    async def cancel(self) -> None:
        self.temporal.calls.append(("cancel", self.id, ()))
        await self.describe()

    async def describe(self) -> None:
        if self.id not in self.temporal.started:
            raise RPCError("workflow not found", RPCStatusCode.NOT_FOUND, b"")

    async def query(self, *args: Any, **kwargs: Any) -> None:
        raise RPCError("no worker here", RPCStatusCode.UNAVAILABLE, b"")

    async def delete(self) -> None:
        raise RPCError("schedule not found", RPCStatusCode.NOT_FOUND, b"")


class FakeTemporal:
    """Records starts, signals and cancels; `down` makes every call fail as Temporal would."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, tuple[Any, ...]]] = []
        self.started: dict[str, Any] = {}
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise RuntimeError("Failed client connect: Server connection error (fake)")

    async def start_workflow(self, workflow: Any, arg: Any, *, id: str, **kwargs: Any) -> None:
        self._check()
        self.started[id] = arg
        self.calls.append(("start", id, (arg,)))

    def get_workflow_handle(self, workflow_id: str, **_: Any) -> FakeHandle:
        return FakeHandle(self, workflow_id)

    async def create_schedule(self, schedule_id: str, schedule: Any) -> FakeHandle:
        self._check()
        self.calls.append(("schedule", schedule_id, (schedule,)))
        return FakeHandle(self, schedule_id)

    def get_schedule_handle(self, schedule_id: str) -> FakeHandle:
        self._check()
        return FakeHandle(self, schedule_id)


class SecuredApi(Api):
    temporal: FakeTemporal
    real_temporal: Any  # the app's own lazy client, which never connected

    def as_admin(self) -> dict[str, str]:
        return {"X-API-Key": ADMIN}


def make_api(tmp_path: Path, **settings: Any) -> Iterator[SecuredApi]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'secured.db'}"
    upgrade_head(url)
    config = Settings(
        database_url=url, temporal_port=1, propertyaudit_api_key=SecretStr(ADMIN), **settings
    )
    with TestClient(create_app(config)) as client:
        api = SecuredApi(client, url)
        api.real_temporal = client.app.state.temporal  # type: ignore[attr-defined]
        api.temporal = FakeTemporal()
        client.app.state.temporal = api.temporal  # type: ignore[attr-defined]
        yield api


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[SecuredApi]:
    yield from make_api(tmp_path)


__all__ = ["api", "secured"]  # `api`: the open API of tests/api, for tests here too
