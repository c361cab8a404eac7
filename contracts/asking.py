"""A surface run's inputs and outputs: asking one question, storing its answer or its error."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from contracts.audit import AuditOptions, QuerySpec
from geo.answer import AnswerBlock
from geo.location import AskerLocation
from geo.profile import BrandContext, PropertyProfile


class Carried(BaseModel):
    """What a SurfaceRun hands to its next run when it continues as new."""

    pending: list[tuple[str, int]]  # (query_id, sample) still to ask
    done: int = 0
    errors: int = 0
    skipped: int = 0
    cost_usd: float = 0.0
    paused: bool = False
    pause_reason: str | None = None
    cancel_reason: str | None = None
    budget_active: bool = True


class SurfaceRunInput(AuditOptions):
    audit_id: str
    property_id: str
    run_id: str
    surface: str
    model: str
    profile: PropertyProfile
    queries: list[QuerySpec]
    max_concurrency: int = 8
    llm_timeout_s: float = 90.0
    start_paused: bool = False
    chunk_size: int = 200
    history_budget: int = 3_000
    carried: Carried | None = None


class Ask(BaseModel):
    """Which ask of a run an answer or an error is: (run, query, sample), with the query as it
    was asked and how many asks the run has in all."""

    run_id: str
    query: QuerySpec
    sample: int = 0
    total_asks: int = 1


class Usage(BaseModel):
    """What producing an answer took and cost (or what a call whose answer was lost cost)."""

    model: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    web_searches: int = 0
    cost_usd: float = 0.0
    latency_ms: int = 0
    attempts: int = 1

    def plus(self, other: Usage) -> Usage:
        """Two calls for one answer (natural mode's phases): the first one's model."""
        return Usage(
            model=self.model or other.model,
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            web_searches=self.web_searches + other.web_searches,
            cost_usd=self.cost_usd + other.cost_usd,
            latency_ms=self.latency_ms + other.latency_ms,
            attempts=max(self.attempts, other.attempts),
        )


class AnswerRequest(BaseModel):
    """Ask one question (structured mode: and store the answer; natural mode: phase 1)."""

    surface: str
    ask: Ask
    samples_per_query: int = 1
    profile: PropertyProfile
    mode: str = "structured"
    web_search: bool = False
    # Where the renter asks from; None (histories before it, audits without one): nowhere.
    asker_location: AskerLocation | None = None


class WebSource(BaseModel):
    url: str
    title: str = ""


class NaturalAnswer(BaseModel):
    """Phase 1 of natural mode: what a renter would read, before any extraction."""

    text: str
    sources: list[WebSource] = Field(default_factory=list)
    usage: Usage


class ExtractRequest(BaseModel):
    """Natural mode, phase 2: extract the answer from phase 1's prose, and store it."""

    surface: str
    ask: Ask
    profile: PropertyProfile
    natural: NaturalAnswer


class AskResult(BaseModel):
    """An answer, parsed: what storing it needs."""

    text: str
    block: AnswerBlock
    usage: Usage
    analysis_method: str = "structured"
    natural_response: str | None = None
    analysis: dict[str, Any] | None = None


class RecordAnswerInput(BaseModel):
    ask: Ask
    brand: BrandContext
    answer: AskResult


class RecordResult(BaseModel):
    stored: bool
    done: int
    errors: int
    run_cost_usd: float = 0.0
    audit_cost_usd: float = 0.0


class Answered(BaseModel):
    """Progress once the answer is stored; or, when the database could not take it, the answer
    itself, for the workflow to store with the database's retry policy (never bought twice)."""

    recorded: RecordResult | None = None
    answer: AskResult | None = None


class RecordErrorInput(BaseModel):
    ask: Ask
    error: str
    # What was bought before the failure (natural mode's first phase): it still counts.
    paid: Usage | None = None


class StartRunInput(BaseModel):
    run_id: str
    model: str
    query_count: int
    total_asks: int


class FinishRunInput(BaseModel):
    run_id: str
    status: str
    error_message: str | None = None
