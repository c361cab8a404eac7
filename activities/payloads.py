"""Workflow and activity inputs and outputs: one pydantic model in, one out.

Import-light on purpose (pydantic and geo only): workflows pass this module through the sandbox.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from geo.answer import AnswerBlock
from geo.profile import BrandContext, PropertyProfile

RunStatus = Literal["queued", "running", "paused", "completed", "failed", "cancelled"]
AuditStatus = Literal["queued", "running", "paused", "completed", "partial", "failed", "cancelled"]


class AuditInput(BaseModel):
    audit_id: str
    property_id: str
    surfaces: list[str]
    run_ids: dict[str, str]
    mode: str = "structured"
    web_search: bool = False
    samples_per_query: int = 1
    max_cost_usd: float | None = None


class QuerySpec(BaseModel):
    query_id: str
    text: str
    type: str
    weight: float = 1.0
    index: int = Field(description="1-based position in the panel")


class SurfacePlan(BaseModel):
    surface: str
    run_id: str
    model: str
    max_concurrency: int
    timeout_s: float = 90.0


class LoadPlanInput(BaseModel):
    audit_id: str
    property_id: str
    surfaces: list[str]
    run_ids: dict[str, str]


class AuditPlan(BaseModel):
    profile: PropertyProfile
    queries: list[QuerySpec]
    surfaces: list[SurfacePlan]


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


class SurfaceRunInput(BaseModel):
    audit_id: str
    property_id: str
    run_id: str
    surface: str
    model: str
    profile: PropertyProfile
    queries: list[QuerySpec]
    samples_per_query: int = 1
    max_concurrency: int = 8
    llm_timeout_s: float = 90.0
    mode: str = "structured"
    web_search: bool = False
    start_paused: bool = False
    max_cost_usd: float | None = None
    carried: Carried | None = None


class AskRequest(BaseModel):
    surface: str
    run_id: str
    query: QuerySpec
    sample: int = 0
    samples_per_query: int = 1
    profile: PropertyProfile
    mode: str = "structured"
    web_search: bool = False


class WebSource(BaseModel):
    url: str
    title: str = ""


class NaturalAnswer(BaseModel):
    """Phase 1 of natural mode: what a renter would read, before any extraction."""

    query_id: str
    sample: int
    text: str
    sources: list[WebSource] = Field(default_factory=list)
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    web_searches: int = 0
    cost_usd: float = 0.0
    latency_ms: int = 0
    attempt: int = 1


class ExtractRequest(BaseModel):
    surface: str
    run_id: str
    query: QuerySpec
    profile: PropertyProfile
    natural: NaturalAnswer


class AskResult(BaseModel):
    query_id: str
    sample: int
    text: str
    block: AnswerBlock
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    web_searches: int = 0
    cost_usd: float = 0.0
    latency_ms: int = 0
    attempt: int = 1
    analysis_method: str = "structured"
    natural_response: str | None = None
    analysis: dict[str, Any] | None = None


class StartRunInput(BaseModel):
    run_id: str
    model: str
    query_count: int
    total_asks: int
    mode: str = "structured"


class RecordAnswerInput(BaseModel):
    run_id: str
    query: QuerySpec
    sample: int
    total_asks: int
    brand: BrandContext
    answer: AskResult


class AnswerRequest(AskRequest):
    """Ask and store in one activity: the answer stays out of the workflow's history."""

    total_asks: int


class ExtractAndRecordRequest(ExtractRequest):
    total_asks: int


class Answered(BaseModel):
    """Progress once the answer is stored; or, when the database could not take it, the answer
    itself, for the workflow to store with the database's retry policy (never bought twice)."""

    recorded: RecordResult | None = None
    answer: AskResult | None = None


class RecordErrorInput(BaseModel):
    run_id: str
    query: QuerySpec
    sample: int
    total_asks: int
    error: str
    # What was bought before the failure (natural mode's first phase): it still counts.
    paid: Spend | None = None


class Spend(BaseModel):
    """Money spent on calls whose answer never became a stored answer."""

    model: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    web_searches: int = 0
    cost_usd: float = 0.0


class RecordResult(BaseModel):
    stored: bool
    done: int
    errors: int
    run_cost_usd: float = 0.0
    audit_cost_usd: float = 0.0


class FinishRunInput(BaseModel):
    run_id: str
    status: Literal["completed", "failed", "cancelled"]
    error_message: str | None = None


class RunOutcome(BaseModel):
    surface: str
    run_id: str
    status: RunStatus
    answered: int = 0
    errors: int = 0
    overall_score: float | None = None
    visibility_pct: float | None = None
    error_message: str | None = None


class SetStatusInput(BaseModel):
    audit_id: str
    status: AuditStatus
    run_ids: list[str] = Field(default_factory=list)
    error_message: str | None = None


class CompleteBatchInput(BaseModel):
    audit_id: str
    outcomes: list[RunOutcome]


class BatchResult(BaseModel):
    audit_id: str
    status: AuditStatus
    recorded_now: bool


class AuditResult(BaseModel):
    audit_id: str
    status: AuditStatus
    runs: list[RunOutcome]


class SurfaceProgress(BaseModel):
    surface: str
    run_id: str
    status: str
    paused: bool = False
    pause_reason: str | None = None
    cost_usd: float = 0.0
    done: int = 0
    total: int = 0
    errors: int = 0
    current_query: str = ""


class AuditProgress(BaseModel):
    audit_id: str
    status: str
    paused: bool = False
    pause_reason: str | None = None
    surfaces: list[SurfaceProgress] = Field(default_factory=list)


class SetPausedInput(BaseModel):
    paused: bool
    reason: str | None = None
    audit_id: str | None = None
    run_id: str | None = None


class OpenAuditInput(BaseModel):
    """A scheduled start: the workflow makes its own audit and run rows."""

    audit_id: str
    workflow_id: str
    property_id: str
    surfaces: list[str]
    run_workflow_ids: dict[str, str]
    mode: str = "structured"
    web_search: bool = False
    samples_per_query: int = 1
    max_cost_usd: float | None = None


class AuditRef(BaseModel):
    audit_id: str


class SummaryRequest(BaseModel):
    surface: str
    property_name: str
    analysis: dict[str, Any]


class StoreSummaryInput(BaseModel):
    audit_id: str
    summary: dict[str, Any] | None = None  # None: the LLM could not; use the rules


class AlertDecision(BaseModel):
    send: bool
    url: str = ""
    payload: dict[str, Any] = Field(default_factory=dict)


class SendAlertInput(BaseModel):
    audit_id: str
    url: str
    payload: dict[str, Any]


RescoreTarget = Literal["run", "audit", "property", "all"]


class RescoreInput(BaseModel):
    """Re-score a run, an audit, a property's audits or everything, with today's rules."""

    kind: RescoreTarget
    target_id: str | None = None
    scoring_version: int
    # Carried across continue-as-new: where the last page ended, and the totals so far.
    cursor: tuple[str, str] | None = None
    totals: RescoreTotals | None = None


class RescorePageInput(BaseModel):
    kind: RescoreTarget
    target_id: str | None = None
    cursor: tuple[str, str] | None = None
    limit: int = 20


class AuditToRescore(BaseModel):
    audit_id: str
    run_ids: list[str]


class RescorePage(BaseModel):
    audits: list[AuditToRescore]
    next_cursor: tuple[str, str] | None = None
    open_audits: int = 0


class RescoreRunInput(BaseModel):
    run_id: str


class RunRescoreResult(BaseModel):
    run_id: str
    answers: int
    changed: int
    score_before: float | None = None
    score_after: float | None = None


class RescoreTotals(BaseModel):
    audits: int = 0
    runs: int = 0
    answers: int = 0
    changed_answers: int = 0
    skipped_open_audits: int = 0
    scoring_version: int = 0


RescoreInput.model_rebuild()
