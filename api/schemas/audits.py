"""Starting an audit and following it: one run per surface."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.schemas.common import Mode, RequestModel, SurfaceName

# A spending cap in US dollars.
CostCap = Annotated[float, Field(gt=0, le=100_000)]


class AuditOptions(RequestModel):
    """How an audit asks, for one audit or for each a schedule starts: unset, the deployment's
    defaults apply."""

    surfaces: Annotated[list[SurfaceName], Field(min_length=1, max_length=10)] | None = None
    mode: Mode | None = None
    web_search: bool | None = None
    samples_per_query: Annotated[int, Field(ge=1, le=5)] = 1


class AuditCreate(AuditOptions):
    property_id: uuid.UUID
    max_cost_usd: CostCap | None = Field(
        default=None, description="pause the audit (reason 'budget') once it has cost this much"
    )
    paused: bool = Field(
        default=False, description="start paused (signal-with-start); resume to begin asking"
    )


class RunRef(BaseModel):
    run_id: uuid.UUID
    surface: str
    workflow_id: str


class AuditStarted(BaseModel):
    audit_id: uuid.UUID
    workflow_id: str
    status: str
    runs: list[RunRef]
    links: dict[str, str]


class RunState(BaseModel):
    run_id: uuid.UUID
    surface: str
    model: str
    status: str
    workflow_id: str
    done: int
    total: int
    progress_pct: float
    current_query: str
    errors: int
    score: float | None
    visibility_pct: float | None
    visibility_ci: tuple[float, float] | None
    input_tokens: int
    output_tokens: int
    cost_usd: float
    error_message: str | None


class AuditState(BaseModel):
    audit_id: uuid.UUID
    property_id: uuid.UUID
    workflow_id: str
    status: str
    paused: bool
    pause_reason: str | None
    mode: str
    web_search: bool
    samples_per_query: int
    query_count: int
    max_cost_usd: float | None
    input_tokens: int
    output_tokens: int
    cost_usd: float = Field(description="the answers' cost: the sum of the runs'")
    summary_cost_usd: float = Field(
        description="the written summary's call, once stored (0 for a rule-based summary)"
    )
    total_cost_usd: float = Field(description="cost_usd + summary_cost_usd")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error_message: str | None
    source: Literal["workflow", "database"]
    runs: list[RunState]
    links: dict[str, str]


class CostRange(BaseModel):
    low: float
    expected: float
    high: float


class SurfaceEstimateOut(BaseModel):
    surface: str
    model: str
    answers: int = Field(description="questions × samples")
    calls: int = Field(description="LLM calls: two per answer in natural mode, plus the summary")
    searches: int
    input_tokens: int
    output_tokens: int
    cost_usd: CostRange
    duration_s: float
    bound_by: Literal["concurrency", "rate limit"]
    basis: str = Field(description="earlier answers of this property, or the defaults")
    assumptions: list[str]


class AuditEstimate(BaseModel):
    """What `POST /audits?dry_run=true` answers: nothing started, nothing stored."""

    dry_run: Literal[True] = True
    property_id: uuid.UUID
    mode: str
    web_search: bool
    samples_per_query: int
    questions: int
    calls: int
    cost_usd: CostRange
    duration_s: float = Field(description="surfaces run side by side: the slowest one's time")
    max_cost_usd: float | None
    within_budget: bool | None = Field(
        description="whether the high estimate stays under the budget (None: no budget)"
    )
    surfaces: list[SurfaceEstimateOut]
