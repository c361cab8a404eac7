"""How the workflows call their activities: database work on the workflow's own queue with the
database's retry policy, LLM calls on the surface's queue with heartbeats and the LLM policy.
Every call carries a summary, so the Web UI reads like the audit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow

from contracts.names import llm_task_queue
from workflows.policies import (
    DB_RETRY,
    DB_SCHEDULE_TO_CLOSE,
    DB_START_TO_CLOSE,
    LLM_HEARTBEAT,
    LLM_RETRY,
    LLM_SCHEDULE_TO_CLOSE,
    LLM_TIMEOUT_SLACK,
)

P = TypeVar("P")
R = TypeVar("R")


async def db(
    fn: Callable[[Any, P], Awaitable[R]],
    arg: P,
    summary: str,
    *,
    start_to_close: timedelta = DB_START_TO_CLOSE,
) -> R:
    """A database activity: retried for up to an hour, so an outage stalls and never fails."""
    result: R = await workflow.execute_activity_method(
        fn,
        arg,
        start_to_close_timeout=start_to_close,
        schedule_to_close_timeout=DB_SCHEDULE_TO_CLOSE,
        retry_policy=DB_RETRY,
        summary=summary,
    )
    return result


async def llm(
    fn: Callable[[Any, P], Awaitable[R]],
    arg: P,
    *,
    surface: str,
    timeout_s: float,
    summary: str,
) -> R:
    """An LLM activity on the surface's own queue; its heartbeats carry a cancel to it."""
    result: R = await workflow.execute_activity_method(
        fn,
        arg,
        task_queue=llm_task_queue(surface),
        start_to_close_timeout=timedelta(seconds=timeout_s) + LLM_TIMEOUT_SLACK,
        schedule_to_close_timeout=LLM_SCHEDULE_TO_CLOSE,
        heartbeat_timeout=LLM_HEARTBEAT,
        retry_policy=LLM_RETRY,
        summary=summary,
    )
    return result
