"""Asking a surface: the only calls that spend money.

Structured mode is one call (asked and stored by `ask_and_record`). Natural mode is two
activities: phase 1 (`ask_natural`) returns the prose, so a failed extraction retries only
phase 2 (`extract_and_record`): the prose already sits in the workflow's history.
"""

from __future__ import annotations

import json
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.paid_calls import Charge, ChargeUnusable, PaidCaller
from contracts.asking import (
    AnswerRequest,
    AskResult,
    ExtractRequest,
    NaturalAnswer,
    WebSource,
)
from contracts.audit import SummaryRequest
from geo.answer import (
    AnswerBlock,
    AnswerParseError,
    coerce_answer_block,
    extract_json_object,
    merge_sources,
)
from geo.profile import PropertyProfile
from geo.summary import BatchSummary, SummaryUsage
from surfaces.base import Completion, Surface
from surfaces.capabilities import ModelInfo, model_info
from surfaces.prompts import extraction_prompt, natural_prompt, structured_prompt, summary_prompt


def sampling_temperature(samples_per_query: int) -> float:
    """One answer: the model's most likely one. Several: real variation between them."""
    return 0.0 if samples_per_query <= 1 else 0.8


def unusable(surface: str, what: str, exc: Exception) -> ApplicationError:
    # Retryable: a malformed answer was not an answer; the next attempt may be one.
    return ApplicationError(f"{surface}: unusable {what}: {exc}", type="MalformedAnswer")


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
        self.caller = PaidCaller(surface, pricing or model_info(surface.model), charge_unusable)

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

    async def ask_structured(self, req: AnswerRequest) -> AskResult:
        """Structured mode: one call that returns the AnswerBlock."""
        self._check(req.surface)
        ask = req.ask
        prompt = structured_prompt(req.profile, ask.query.text, req.asker_location).model_copy(
            update={
                "web_search": req.web_search,
                "temperature": sampling_temperature(req.samples_per_query),
                "extra_headers": self._sim_headers(req.profile, ask.sample),
            }
        )

        def parse(completion: Completion) -> AnswerBlock:
            try:
                return coerce_answer_block(extract_json_object(completion.text))
            except AnswerParseError as exc:
                raise unusable(req.surface, "answer", exc) from exc

        charge = Charge(ask.run_id, ask.query.query_id, ask.sample, "ask")
        completion, block, usage = await self.caller.call(prompt, parse, charge)
        block = merge_sources(block, [s.url for s in completion.sources])
        return AskResult(text=completion.text, block=block, usage=usage)

    @activity.defn
    async def ask_natural(self, req: AnswerRequest) -> NaturalAnswer:
        """Natural mode, phase 1: the question alone, as a renter would ask it."""
        self._check(req.surface)
        ask = req.ask
        question = natural_prompt(ask.query.text, req.asker_location, ask.query.language)
        prompt = question.model_copy(
            update={
                "web_search": req.web_search,
                "extra_headers": self._sim_headers(req.profile, ask.sample),
            }
        )

        def parse(completion: Completion) -> None:
            if not completion.text.strip():
                raise ApplicationError(f"{req.surface}: empty answer", type="MalformedAnswer")

        charge = Charge(ask.run_id, ask.query.query_id, ask.sample, "ask")
        completion, _, usage = await self.caller.call(prompt, parse, charge)
        return NaturalAnswer(
            text=completion.text,
            sources=[WebSource(url=s.url, title=s.title) for s in completion.sources],
            usage=usage,
        )

    async def extract(self, req: ExtractRequest) -> AskResult:
        """Natural mode, phase 2: the AnswerBlock and the analysis, from phase 1's text."""
        self._check(req.surface)
        ask, natural = req.ask, req.natural
        prompt = extraction_prompt(req.profile, ask.query.text, natural.text).model_copy(
            update={"temperature": 0.0}
        )

        def parse(completion: Completion) -> tuple[AnswerBlock, dict[str, Any]]:
            try:
                envelope = extract_json_object(completion.text)
                raw_block = envelope.get("answer_block", envelope)
                block = coerce_answer_block(raw_block if isinstance(raw_block, dict) else {})
            except AnswerParseError as exc:
                raise unusable(req.surface, "extraction", exc) from exc
            return block, envelope

        charge = Charge(ask.run_id, ask.query.query_id, ask.sample, "extract")
        completion, (block, envelope), usage = await self.caller.call(prompt, parse, charge)
        analysis: Any = envelope.get("analysis")
        return AskResult(
            text=completion.text,
            block=merge_sources(block, [s.url for s in natural.sources]),
            usage=natural.usage.plus(usage),
            analysis_method="natural_two_phase",
            natural_response=natural.text,
            analysis=analysis if isinstance(analysis, dict) else None,
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
                raise unusable(req.surface, "summary", exc) from exc

        _, summary, usage = await self.caller.call(prompt, parse)
        spent = SummaryUsage(
            surface=req.surface,
            model=usage.model,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=usage.cost_usd,
        )
        return summary.model_copy(update={"usage": spent}).model_dump(mode="json")
