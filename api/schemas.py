"""Request and response bodies, bounded so that hostile input gets a clear 422."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    UrlConstraints,
    field_validator,
    model_validator,
)

from geo.domains import NotRegistrable, checked_brand_domain

ShortText = Annotated[str, Field(max_length=200)]
Keyword = Annotated[str, Field(min_length=1, max_length=120)]
QueryTypeName = Literal["branded", "category", "comparison", "local", "faq", "voice_search"]
Mode = Literal["structured", "natural"]


class ErrorOut(BaseModel):
    detail: Any


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in (
        (400, "Malformed request"),
        (401, "Missing X-API-Key"),
        (403, "Wrong X-API-Key"),
        (404, "Unknown id"),
        (409, "Conflicts with the stored state"),
        (413, "The request body is larger than MAX_REQUEST_BYTES"),
        (422, "The request is invalid: a list of field errors, or a sentence saying what is wrong"),
        (429, "Too many paid starts for this API key (see Retry-After)"),
        (503, "A backing service (database, Temporal) is unavailable"),
    )
}


def _check_text(value: Any, path: str = "") -> None:
    """Text must be storable: no NUL characters, no lone UTF-16 surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(f"{path or 'text'} must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"{path or 'text'} is not valid Unicode text") from exc
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_text(item, f"{path}[{index}]")


class RequestModel(BaseModel):
    """Every request body: unknown fields refused, text checked before it nears the database."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        _check_text(data)
        return data


class AddressIn(RequestModel):
    street: ShortText = ""
    neighborhood: Annotated[str, Field(max_length=120)] = ""
    city: Annotated[str, Field(max_length=120)] = ""
    state: Annotated[str, Field(max_length=60)] = ""
    zip: Annotated[str, Field(max_length=20)] = ""


def _registrable(value: str) -> str:
    try:
        return checked_brand_domain(value)
    except NotRegistrable as exc:
        raise ValueError(str(exc)) from exc


# A brand's or a competitor's own domain: a registrable name, never a public suffix.
BrandDomain = Annotated[str, Field(min_length=1, max_length=255), AfterValidator(_registrable)]


class CompetitorIn(RequestModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    domain: Annotated[str, Field(max_length=255)] = ""

    @field_validator("domain")
    @classmethod
    def _registrable_domain(cls, value: str) -> str:
        return _registrable(value) if value.strip() else ""


# The columns hold 500 characters: a longer URL is refused here, not by the database.
Url = Annotated[HttpUrl, UrlConstraints(max_length=500)]


class PropertyFields(RequestModel):
    address: AddressIn | None = None
    website_url: Url | None = None
    brand_domains: Annotated[list[BrandDomain], Field(max_length=20)] | None = None
    competitors: Annotated[list[CompetitorIn], Field(max_length=20)] | None = None
    amenities: Annotated[list[Keyword], Field(max_length=50)] | None = None
    unique_selling_points: Annotated[list[ShortText], Field(max_length=20)] | None = None
    target_audience: Annotated[str, Field(max_length=1000)] | None = None
    alert_webhook_url: Url | None = Field(
        default=None, description="where to POST a JSON alert when an audit slips"
    )
    alert_score_drop: Annotated[float, Field(gt=0, le=100)] | None = None
    alert_visibility_drop: Annotated[float, Field(gt=0, le=100)] | None = None

    @field_validator("website_url", "alert_webhook_url")
    @classmethod
    def _http_only(cls, value: Url | None) -> Url | None:
        if value is not None and value.scheme not in ("http", "https"):
            raise ValueError("the URL must be http or https")
        return value


class PropertyCreate(PropertyFields):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    org_id: uuid.UUID | None = Field(
        default=None, description="admin key only: the organisation the property belongs to"
    )


class PropertyUpdate(PropertyFields):
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class AddressOut(BaseModel):
    street: str
    neighborhood: str
    city: str
    state: str
    zip: str


class PropertyPublic(BaseModel):
    id: uuid.UUID
    org_id: uuid.UUID | None
    name: str
    address: AddressOut
    website_url: str
    brand_domains: list[str]
    competitors: list[dict[str, str]]
    amenities: list[str]
    unique_selling_points: list[str]
    target_audience: str
    alert_webhook_url: str
    alert_score_drop: float
    alert_visibility_drop: float
    created_at: datetime
    updated_at: datetime


class QueryCreate(RequestModel):
    text: Annotated[str, Field(min_length=3, max_length=500)]
    type: QueryTypeName = "category"
    weight: Annotated[float, Field(gt=0, le=10)] = 1.0
    is_active: bool = True


class QueryUpdate(RequestModel):
    text: Annotated[str, Field(min_length=3, max_length=500)] | None = None
    type: QueryTypeName | None = None
    weight: Annotated[float, Field(gt=0, le=10)] | None = None
    is_active: bool | None = None


class QueriesActivation(RequestModel):
    """Activate or deactivate many questions at once: the ones named, those of one type, or
    (with neither) the whole panel."""

    is_active: bool
    query_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=500)] | None = None
    type: QueryTypeName | None = None


class QueryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    property_id: uuid.UUID
    text: str
    type: str
    weight: float
    geo: str
    is_active: bool
    generated: bool
    created_at: datetime
    updated_at: datetime


class QueryList(BaseModel):
    queries: list[QueryPublic]
    total: int
    by_type: dict[str, int]
    updated: int | None = None


class GenerateResult(BaseModel):
    generated: int
    already_present: int
    total: int
    queries: list[QueryPublic]


class AuditCreate(RequestModel):
    property_id: uuid.UUID
    surfaces: (
        Annotated[
            list[Annotated[str, Field(min_length=1, max_length=40)]],
            Field(min_length=1, max_length=10),
        ]
        | None
    ) = None
    mode: Mode | None = None
    web_search: bool | None = None
    samples_per_query: Annotated[int, Field(ge=1, le=5)] = 1
    max_cost_usd: Annotated[float, Field(gt=0, le=100_000)] | None = Field(
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


class CitationPublic(BaseModel):
    url: str
    domain: str = Field(description="the URL's host: what scoring uses")
    claimed_domain: str = Field(description="the domain the model wrote beside the URL")
    is_brand_domain: bool = Field(description="the scorer counted this link as the brand's")
    entity_ref: str
    origin: str = Field(description="answer: in the text; search: a web-search source")


class AnswerPublic(BaseModel):
    id: uuid.UUID
    query_id: uuid.UUID | None
    query_text: str
    query_type: str
    sample: int
    status: str
    error_message: str | None
    presence: bool
    llm_rank: int | None
    link_rank: int | None
    sov: float | None
    score: float | None
    breakdown: dict[str, Any]
    flags: list[str]
    model_flags: list[str] = Field(description="the flags the model raised itself")
    scoring_version: int
    answer_summary: str
    ordered_entities: list[dict[str, Any]] = Field(
        description="in the answer's order; `position` is that order (the scored rank), "
        "`claimed_position` the number the model wrote"
    )
    citations: list[CitationPublic]
    sentiment: str
    sentiment_phrase: str
    analysis_method: str
    natural_response: str | None
    analysis: dict[str, Any] | None
    model: str
    input_tokens: int
    output_tokens: int
    web_searches: int
    cost_usd: float
    latency_ms: int
    attempts: int


class ScorePublic(BaseModel):
    overall_score: float
    weighted_score: float
    visibility_pct: float
    avg_llm_rank: float | None
    avg_link_rank: float | None
    avg_sov: float | None
    visibility_ci: tuple[float, float] | None
    sentiment: dict[str, Any]
    breakdown: dict[str, Any]
    answered: int
    errors: int
    scoring_version: int
    rescored_at: datetime | None
    errored_queries: list[dict[str, Any]] = []


class RunDetail(BaseModel):
    run_id: uuid.UUID
    audit_id: uuid.UUID
    property_id: uuid.UUID
    surface: str
    model: str
    status: str
    error_message: str | None
    query_count: int
    progress_pct: float
    uses_web_search: bool
    mode: str
    input_tokens: int
    output_tokens: int
    web_searches: int
    cost_usd: float = Field(description="everything paid for, unusable answers included")
    wasted_cost_usd: float = Field(description="paid calls whose answer was unusable")
    started_at: datetime | None
    finished_at: datetime | None
    score: ScorePublic | None
    answers: list[AnswerPublic]
    answers_total: int = 0


class ScheduleIn(RequestModel):
    """Recurring audits: exactly one of an interval or a cron expression."""

    interval_minutes: Annotated[int, Field(ge=5, le=525_600)] | None = None
    cron: Annotated[str, Field(min_length=9, max_length=100)] | None = None
    time_zone: Annotated[str, Field(max_length=64)] = "UTC"
    surfaces: (
        Annotated[
            list[Annotated[str, Field(min_length=1, max_length=40)]],
            Field(min_length=1, max_length=10),
        ]
        | None
    ) = None
    mode: Mode | None = None
    web_search: bool | None = None
    samples_per_query: Annotated[int, Field(ge=1, le=5)] = 1
    max_cost_usd: Annotated[float, Field(gt=0, le=100_000)] | None = Field(
        default=None, description="each scheduled audit pauses (reason 'budget') at this cost"
    )
    paused: bool = False
    note: Annotated[str, Field(max_length=200)] = ""


class ScheduleOut(BaseModel):
    schedule_id: str
    property_id: uuid.UUID
    interval_minutes: int | None
    cron: str | None
    time_zone: str
    surfaces: list[str]
    mode: str
    samples_per_query: int
    max_cost_usd: float | None
    paused: bool
    note: str
    next_run_times: list[datetime]
    recent_workflow_ids: list[str]
    audits_started: int
