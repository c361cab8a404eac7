"""An audit's workflow inputs and outputs: its plan, its batch, its progress, what follows."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from contracts.status import AuditStatus, RunStatus
from geo.location import AskerLocation
from geo.profile import PropertyProfile


class AuditOptions(BaseModel):
    """How an audit asks: its mode, web search, samples per question and spending cap."""

    mode: str = "structured"
    web_search: bool = False
    samples_per_query: int = 1
    max_cost_usd: float | None = None
    asker_location: AskerLocation | None = None


class AuditInput(AuditOptions):
    """A PropertyAudit's input. An empty audit_id: started by a Schedule, it opens its own."""

    audit_id: str
    property_id: str
    surfaces: list[str]
    run_ids: dict[str, str]


class QuerySpec(BaseModel):
    query_id: str
    text: str
    type: str
    weight: float = 1.0
    index: int = Field(description="1-based position in the panel")
    persona: str = ""
    language: str = "en"


class SurfacePlan(BaseModel):
    surface: str
    run_id: str
    model: str
    max_concurrency: int
    timeout_s: float = 90.0
    # Questions asked between two chances to continue as new, and the history length past
    # which a run does (small in tests, so a short panel exercises it).
    chunk_size: int = 200
    history_budget: int = 3_000


class LoadPlanInput(BaseModel):
    audit_id: str
    property_id: str
    surfaces: list[str]
    run_ids: dict[str, str]


class AuditPlan(BaseModel):
    profile: PropertyProfile
    queries: list[QuerySpec]
    surfaces: list[SurfacePlan]


class OpenAuditInput(AuditOptions):
    """A scheduled start: the workflow makes its own audit and run rows."""

    audit_id: str
    workflow_id: str
    property_id: str
    surfaces: list[str]


class AuditRef(BaseModel):
    audit_id: str


class SetStatusInput(BaseModel):
    audit_id: str
    status: AuditStatus
    run_ids: list[str] = Field(default_factory=list)
    error_message: str | None = None


class SetPausedInput(BaseModel):
    paused: bool
    reason: str | None = None
    audit_id: str | None = None
    run_id: str | None = None


class RunOutcome(BaseModel):
    surface: str
    run_id: str
    status: RunStatus
    answered: int = 0
    errors: int = 0
    overall_score: float | None = None
    visibility_pct: float | None = None
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
