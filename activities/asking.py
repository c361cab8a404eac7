"""Asking one surface one question: the only activity that spends money."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.payloads import AskRequest, AskResult
from geo.answer import AnswerParseError, parse_answer_block
from surfaces.base import Surface
from surfaces.errors import to_application_error
from surfaces.prompts import structured_prompt


@asynccontextmanager
async def heartbeating() -> AsyncIterator[None]:
    """Heartbeat in the background so a cancel reaches a call that is still waiting."""
    timeout = activity.info().heartbeat_timeout
    every = timeout.total_seconds() / 3 if timeout else 5.0

    async def beat() -> None:
        while True:
            activity.heartbeat()
            await asyncio.sleep(every)

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()


class AskingActivities:
    """Bound to one surface; registered on that surface's task queue."""

    def __init__(self, surface: Surface) -> None:
        self._surface = surface

    @activity.defn
    async def ask_surface(self, req: AskRequest) -> AskResult:
        if req.surface != self._surface.name:
            raise ApplicationError(
                f"worker for {self._surface.name} got a request for {req.surface}",
                type="WrongSurface",
                non_retryable=True,
            )
        prompt = structured_prompt(req.profile, req.query.text)
        started = time.perf_counter()
        async with heartbeating():
            try:
                completion = await self._surface.complete(prompt)
            except Exception as exc:  # noqa: BLE001 - every provider error is mapped
                raise to_application_error(exc, req.surface) from exc
        try:
            block = parse_answer_block(completion.text)
        except AnswerParseError as exc:
            # Retryable: a malformed answer was not an answer; the next attempt may be one.
            raise ApplicationError(
                f"{req.surface}: unusable answer: {exc}", type="MalformedAnswer"
            ) from exc
        return AskResult(
            query_id=req.query.query_id,
            sample=req.sample,
            text=completion.text,
            block=block,
            model=completion.model,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            latency_ms=int((time.perf_counter() - started) * 1000),
            attempt=activity.info().attempt,
        )
