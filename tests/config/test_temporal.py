"""Registering search attributes where the credentials may not (Temporal Cloud)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from temporalio.service import RPCError, RPCStatusCode

from config.temporal import ensure_search_attributes


def client_refusing(status: RPCStatusCode) -> Any:
    async def refuse(_: object) -> None:
        raise RPCError("request denied", status, b"")

    return SimpleNamespace(operator_service=SimpleNamespace(list_search_attributes=refuse))


async def test_a_refusal_is_logged_and_the_worker_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    added = await ensure_search_attributes(
        client_refusing(RPCStatusCode.PERMISSION_DENIED), "acme.a1b2c"
    )
    assert added == []
    assert "add them as Keyword to namespace acme.a1b2c" in caplog.text
    assert "AuditStatus" in caplog.text


async def test_other_failures_still_stop_the_worker() -> None:
    with pytest.raises(RPCError):
        await ensure_search_attributes(client_refusing(RPCStatusCode.UNAVAILABLE), "default")
