"""Starting an audit and following it: one run per surface."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator, model_validator

from api.schemas.common import Mode, RequestModel, SurfaceName
from geo.location import AskerLocation

# A spending cap in US dollars.
CostCap = Annotated[float, Field(gt=0, le=100_000)]
PlaceName = Annotated[str, Field(max_length=100)]
COUNTRY = re.compile(r"^[A-Za-z]{2}$")
POSTAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$")


class AskerLocationIn(RequestModel):
    """Where the renter asks from: at least one of city, region, country and ZIP. Providers
    with a location parameter get it there; the others read it in the question."""

    city: PlaceName = Field(default="", examples=["San Diego"])
    region: PlaceName = Field(default="", description="state or province", examples=["CA"])
    country: str = Field(default="", description="ISO 3166-1 alpha-2", examples=["US"])
    zip: str = Field(default="", max_length=12, examples=["92104"])
    timezone: str = Field(
        default="", max_length=64, description="IANA name", examples=["America/Los_Angeles"]
    )
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None

    @field_validator("city", "region", "country", "zip", "timezone", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        # A place is one line of text: it is said in questions as it is.
        return " ".join(value.split()) if isinstance(value, str) else value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if value and not COUNTRY.match(value):
            raise ValueError("must be an ISO 3166-1 alpha-2 code such as US")
        return value.upper()

    @field_validator("zip")
    @classmethod
    def _postal_code(cls, value: str) -> str:
        if value and not POSTAL_CODE.match(value):
            raise ValueError("must be a postal code: letters, digits, spaces or hyphens")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        if not value:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name") from None
        return value

    @model_validator(mode="after")
    def _a_place(self) -> Self:
        if not (self.city or self.region or self.country or self.zip):
            raise ValueError("give at least one of city, region, country and zip")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give latitude and longitude together")
        return self

    def location(self) -> AskerLocation:
        return AskerLocation(**self.model_dump())


class AuditOptions(RequestModel):
    """How an audit asks, for one audit or for each a schedule starts: unset, the deployment's
    defaults apply."""

    surfaces: Annotated[list[SurfaceName], Field(min_length=1, max_length=10)] | None = None
    mode: Mode | None = None
    web_search: bool | None = None
    samples_per_query: Annotated[int, Field(ge=1, le=5)] = 1
    asker_location: AskerLocationIn | None = Field(
        default=None, description="where the renter asks from; unset: nowhere in particular"
    )


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


class RunLinks(BaseModel):
    """Where a run's figures come from: its answers, and its workflow for operators."""

    answers: str = Field(description="GET /answers of this run: behind its score")
    present: str = Field(description="GET /answers naming the property: behind its visibility")
    temporal_ui: str = Field(description="the run's child workflow in the Temporal Web UI")


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
    links: RunLinks


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
    asker_location: AskerLocation | None
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
