"""Asking a surface: the only activities that spend money.

Structured mode is one call. Natural mode is two activities, so a failed extraction retries
only phase 2: the phase-1 answer already sits in the workflow's history.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import metrics
from activities.payloads import (
    AskRequest,
    AskResult,
    ExtractRequest,
    NaturalAnswer,
    Spend,
    SummaryRequest,
    WebSource,
)
from geo.answer import (
    AnswerBlock,
    AnswerParseError,
    coerce_answer_block,
    extract_json_object,
    merge_sources,
)
from geo.profile import PropertyProfile
from geo.summary import BatchSummary, SummaryUsage
from surfaces.base import Completion, Prompt, Surface
from surfaces.capabilities import ModelInfo, model_info
from surfaces.errors import to_application_error
from surfaces.prompts import (
    extraction_prompt,
    natural_prompt,
    structured_prompt,
    summary_prompt,
)

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
    spend: Spend
    reason: str


# Where unusable calls are charged (the database, on the LLM worker); None leaves them to the
# metrics alone.
ChargeUnusable = Callable[[UnusableCall], Awaitable[None]]


def sampling_temperature(samples_per_query: int) -> float:
    """One answer: the model's most likely one. Several: real variation between them."""
    return 0.0 if samples_per_query <= 1 else 0.8


class AskingActivities:
    """Bound to one surface; registered on that surface's task queue."""

    def __init__(
        self,
        surface: Surface,
        *,
        simulated: bool = False,
        pricing: ModelInfo | None = None,
        charge_unusable: ChargeUnusable | None = None,
    ) -> None:
        self._surface = surface
        self._simulated = simulated
        self._pricing = pricing or model_info(surface.model)
        self._charge_unusable = charge_unusable

    def _check(self, surface: str) -> None:
        if surface != self._surface.name:
            raise ApplicationError(
                f"worker for {self._surface.name} got a request for {surface}",
                type="WrongSurface",
                non_retryable=True,
            )

    def _sim_headers(self, profile: PropertyProfile, sample: int) -> dict[str, str]:
        """What the simulated model knows of the world; only ever sent to the simulator."""
        if not self._simulated:
            return {}
        world = {
            "name": profile.name,
            "city": profile.address.city,
            "state": profile.address.state,
            "domains": profile.brand_domains,
            "website": profile.website_url,
            "competitors": [[c.name, c.domain] for c in profile.competitors],
        }
        return {"x-llmsim-world": json.dumps(world), "x-llmsim-sample": str(sample)}

    def cost(self, completion: Completion) -> float:
        """Tokens and web searches, at this surface's prices."""
        return self._pricing.cost_usd(
            completion.input_tokens, completion.output_tokens, completion.web_searches
        )

    def spend(self, completion: Completion) -> Spend:
        return Spend(
            model=completion.model,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            web_searches=completion.web_searches,
            cost_usd=self.cost(completion),
        )

    async def _call(
        self,
        prompt: Prompt,
        surface: str,
        parse: Callable[[Completion], T],
        charge: Charge | None = None,
    ) -> tuple[Completion, T, int]:
        """One paid call and what `parse` makes of its answer, counted once by its outcome;
        an answer `parse` refuses was still paid for, and is charged to `charge`."""
        started = time.perf_counter()
        async with heartbeating():
            try:
                completion = await self._surface.complete(prompt)
            except asyncio.CancelledError as exc:
                metrics.llm_call(surface, exc)
                raise
            except Exception as exc:  # noqa: BLE001 - every provider error is mapped
                error = to_application_error(exc, surface)
                metrics.llm_call(surface, error)
                raise error from exc
        latency = int((time.perf_counter() - started) * 1000)
        metrics.llm_answer(
            surface,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            cost_usd=self.cost(completion),
            latency_ms=latency,
        )
        try:
            parsed = parse(completion)
        except ApplicationError as error:  # an unusable answer
            metrics.llm_call(surface, error)
            if charge is not None and self._charge_unusable is not None:
                await self._charge_unusable(
                    UnusableCall(
                        charge, activity.info().attempt, self.spend(completion), str(error)
                    )
                )
            raise
        metrics.llm_call(surface)
        return completion, parsed, latency

    @activity.defn
    async def ask_surface(self, req: AskRequest) -> AskResult:
        """Structured mode: one call that returns the AnswerBlock."""
        self._check(req.surface)
        prompt = structured_prompt(req.profile, req.query.text).model_copy(
            update={
                "web_search": req.web_search,
                "temperature": sampling_temperature(req.samples_per_query),
                "extra_headers": self._sim_headers(req.profile, req.sample),
            }
        )

        def parse(completion: Completion) -> AnswerBlock:
            try:
                return coerce_answer_block(extract_json_object(completion.text))
            except AnswerParseError as exc:
                # Retryable: a malformed answer was not an answer; the next attempt may be one.
                raise ApplicationError(
                    f"{req.surface}: unusable answer: {exc}", type="MalformedAnswer"
                ) from exc

        charge = Charge(req.run_id, req.query.query_id, req.sample, "ask")
        completion, block, latency = await self._call(prompt, req.surface, parse, charge)
        block = merge_sources(block, [s.url for s in completion.sources])
        return AskResult(
            query_id=req.query.query_id,
            sample=req.sample,
            text=completion.text,
            block=block,
            model=completion.model,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            web_searches=completion.web_searches,
            cost_usd=self.cost(completion),
            latency_ms=latency,
            attempt=activity.info().attempt,
        )

    @activity.defn
    async def ask_natural(self, req: AskRequest) -> NaturalAnswer:
        """Natural mode, phase 1: the question alone, as a renter would ask it."""
        self._check(req.surface)
        prompt = natural_prompt(req.query.text).model_copy(
            update={
                "web_search": req.web_search,
                "extra_headers": self._sim_headers(req.profile, req.sample),
            }
        )

        def parse(completion: Completion) -> None:
            if not completion.text.strip():
                raise ApplicationError(f"{req.surface}: empty answer", type="MalformedAnswer")

        charge = Charge(req.run_id, req.query.query_id, req.sample, "ask")
        completion, _, latency = await self._call(prompt, req.surface, parse, charge)
        return NaturalAnswer(
            query_id=req.query.query_id,
            sample=req.sample,
            text=completion.text,
            sources=[WebSource(url=s.url, title=s.title) for s in completion.sources],
            model=completion.model,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            web_searches=completion.web_searches,
            cost_usd=self.cost(completion),
            latency_ms=latency,
            attempt=activity.info().attempt,
        )

    @activity.defn
    async def summarize_batch(self, req: SummaryRequest) -> dict[str, Any]:
        """The batch's written summary from this surface's model (strict schema)."""
        self._check(req.surface)
        prompt = summary_prompt(req.property_name, json.dumps(req.analysis)).model_copy(
            update={"temperature": 0.2}
        )

        def parse(completion: Completion) -> BatchSummary:
            try:
                data = extract_json_object(completion.text)
                return BatchSummary.model_validate({**data, "source": "llm"})
            except (AnswerParseError, ValueError) as exc:
                raise ApplicationError(
                    f"{req.surface}: unusable summary: {exc}", type="MalformedAnswer"
                ) from exc

        completion, summary, _ = await self._call(prompt, req.surface, parse)
        usage = SummaryUsage(
            surface=req.surface,
            model=completion.model,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            cost_usd=self.cost(completion),
        )
        return summary.model_copy(update={"usage": usage}).model_dump(mode="json")

    @activity.defn
    async def extract_answer(self, req: ExtractRequest) -> AskResult:
        """Natural mode, phase 2: extract the AnswerBlock and the analysis from phase 1's text."""
        self._check(req.surface)
        natural = req.natural
        prompt = extraction_prompt(req.profile, req.query.text, natural.text).model_copy(
            update={"temperature": 0.0}
        )

        def parse(completion: Completion) -> tuple[AnswerBlock, dict[str, Any]]:
            try:
                envelope = extract_json_object(completion.text)
                raw_block = envelope.get("answer_block", envelope)
                block = coerce_answer_block(raw_block if isinstance(raw_block, dict) else {})
            except AnswerParseError as exc:
                raise ApplicationError(
                    f"{req.surface}: unusable extraction: {exc}", type="MalformedAnswer"
                ) from exc
            return block, envelope

        charge = Charge(req.run_id, req.query.query_id, natural.sample, "extract")
        completion, (block, envelope), latency = await self._call(
            prompt, req.surface, parse, charge
        )
        analysis: Any = envelope.get("analysis")
        block = merge_sources(block, [s.url for s in natural.sources])
        return AskResult(
            query_id=req.query.query_id,
            sample=natural.sample,
            text=completion.text,
            block=block,
            model=natural.model,
            input_tokens=natural.input_tokens + completion.input_tokens,
            output_tokens=natural.output_tokens + completion.output_tokens,
            web_searches=natural.web_searches + completion.web_searches,
            cost_usd=natural.cost_usd + self.cost(completion),
            latency_ms=natural.latency_ms + latency,
            attempt=max(natural.attempt, activity.info().attempt),
            analysis_method="natural_two_phase",
            natural_response=natural.text,
            analysis=analysis if isinstance(analysis, dict) else None,
        )
