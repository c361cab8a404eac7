"""One paid call to a surface: heartbeats while it waits, counted once by its outcome, priced
at the surface's prices, and charged to its run even when its answer turns out unusable."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TypeVar

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import metrics
from contracts.asking import Usage
from surfaces.base import Completion, Prompt, Surface
from surfaces.capabilities import ModelInfo
from surfaces.errors import to_application_error

T = TypeVar("T")


@asynccontextmanager
async def heartbeating() -> AsyncIterator[None]:
    """Heartbeat in the background so a cancel reaches a call that is still waiting."""
    timeout = activity.info().heartbeat_timeout
    every = timeout.total_seconds() / 3 if timeout else 5.0

    async def beat() -> None:
        # Not at once: most calls end before the first beat, and each beat is a server write.
        while True:
            await asyncio.sleep(every)
            activity.heartbeat()

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()


@dataclass(frozen=True)
class Charge:
    """Whose money a call spends: one phase of one ask of a run."""

    run_id: str
    query_id: str
    sample: int
    phase: str  # "ask" or "extract"


@dataclass(frozen=True)
class UnusableCall:
    """A paid call whose answer could not be used; its cost is still the run's."""

    charge: Charge
    attempt: int
    usage: Usage
    reason: str


# Where unusable calls are charged (the database, on the LLM worker); None leaves them to the
# metrics alone.
ChargeUnusable = Callable[[UnusableCall], Awaitable[None]]


class PaidCaller:
    """Calls one surface; knows its prices and where to charge what could not be used."""

    def __init__(
        self, surface: Surface, pricing: ModelInfo, charge_unusable: ChargeUnusable | None
    ) -> None:
        self.surface = surface
        self.pricing = pricing
        self.charge_unusable = charge_unusable

    def usage(self, completion: Completion, latency_ms: int = 0) -> Usage:
        """Tokens and web searches, at this surface's prices."""
        return Usage(
            model=completion.model,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            web_searches=completion.web_searches,
            cost_usd=self.pricing.cost_usd(
                completion.input_tokens, completion.output_tokens, completion.web_searches
            ),
            latency_ms=latency_ms,
            attempts=activity.info().attempt,
        )

    async def call(
        self,
        prompt: Prompt,
        parse: Callable[[Completion], T],
        charge: Charge | None = None,
    ) -> tuple[Completion, T, Usage]:
        """One paid call and what `parse` makes of its answer. An answer `parse` refuses was
        still paid for: it is charged to `charge`, then the refusal is raised (retryable)."""
        name = self.surface.name
        started = time.perf_counter()
        async with heartbeating():
            try:
                completion = await self.surface.complete(prompt)
            except asyncio.CancelledError as exc:
                metrics.llm_call(name, exc)
                raise
            except Exception as exc:  # noqa: BLE001 - every provider error is mapped
                error = to_application_error(exc, name)
                metrics.llm_call(name, error)
                raise error from exc
        usage = self.usage(completion, int((time.perf_counter() - started) * 1000))
        metrics.llm_answer(
            name,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=usage.cost_usd,
            latency_ms=usage.latency_ms,
        )
        try:
            parsed = parse(completion)
        except ApplicationError as error:  # an unusable answer
            metrics.llm_call(name, error)
            if charge is not None and self.charge_unusable is not None:
                await self.charge_unusable(
                    UnusableCall(charge, activity.info().attempt, usage, str(error))
                )
            raise
        metrics.llm_call(name)
        return completion, parsed, usage
