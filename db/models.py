"""Tables: properties, queries, audits (one per batch), runs, answers, citations, scores."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from contracts.status import AuditStatus, RunStatus

JsonType = JSON().with_variant(JSONB(), "postgresql")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite hands datetimes back without their zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(AsyncAttrs, DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JsonType, list[Any]: JsonType}


class Organisation(Base):
    """A customer: its API keys see its own properties and everything under them."""

    __tablename__ = "organisations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiKey(Base):
    """An organisation's API key, stored as a hash; the key itself is shown once."""

    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    # The key's public part, to find its row without scanning every hash.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Property(Base):
    __tablename__ = "properties"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # None: made with the admin key, outside any organisation (only the admin sees it).
    org_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200), default="")
    neighborhood: Mapped[str] = mapped_column(String(120), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    state: Mapped[str] = mapped_column(String(60), default="")
    zip: Mapped[str] = mapped_column(String(20), default="")
    website_url: Mapped[str] = mapped_column(String(500), default="")
    brand_domains: Mapped[list[Any]] = mapped_column(default=list)
    competitors: Mapped[list[Any]] = mapped_column(default=list)
    amenities: Mapped[list[Any]] = mapped_column(default=list)
    unique_selling_points: Mapped[list[Any]] = mapped_column(default=list)
    target_audience: Mapped[str] = mapped_column(Text, default="")
    alert_webhook_url: Mapped[str] = mapped_column(String(500), default="")
    alert_score_drop: Mapped[float] = mapped_column(Float, default=10.0)
    alert_visibility_drop: Mapped[float] = mapped_column(Float, default=15.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    queries: Mapped[list[Query]] = relationship(
        back_populates="property", cascade="all, delete-orphan", passive_deletes=True
    )


class Query(Base):
    __tablename__ = "queries"
    __table_args__ = (UniqueConstraint("property_id", "text_key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    property_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("properties.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(500))
    # Lower-cased, space-normalised text: what makes two questions the same question.
    text_key: Mapped[str] = mapped_column(String(500))
    type: Mapped[str] = mapped_column(String(20))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    geo: Mapped[str] = mapped_column(String(200), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    generated: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    property: Mapped[Property] = relationship(back_populates="queries")


class Audit(Base):
    """One audit = one batch: a run per surface sharing this id."""

    __tablename__ = "audits"
    __table_args__ = (UniqueConstraint("property_id", "idempotency_key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    property_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("properties.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=AuditStatus.QUEUED)
    surfaces: Mapped[list[Any]] = mapped_column(default=list)
    mode: Mapped[str] = mapped_column(String(20), default="structured")
    web_search: Mapped[bool] = mapped_column(Boolean, default=False)
    samples_per_query: Mapped[int] = mapped_column(Integer, default=1)
    batch_size: Mapped[int] = mapped_column(Integer, default=0)
    query_count: Mapped[int] = mapped_column(Integer, default=0)
    workflow_id: Mapped[str] = mapped_column(String(200), default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    max_cost_usd: Mapped[float | None] = mapped_column(Float, nullable=True)
    pause_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    insights: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    summary: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    alert_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The scoring rules behind `insights`, and when a re-scoring last replaced them.
    scoring_version: Mapped[int] = mapped_column(Integer, default=1)
    rescored_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    batch_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    runs: Mapped[list[Run]] = relationship(back_populates="audit", order_by="Run.surface")


class Run(Base):
    """One surface's part of an audit (the seed's geo_runs)."""

    __tablename__ = "runs"
    __table_args__ = (
        UniqueConstraint("batch_id", "surface"),
        Index("ix_runs_property_surface_created", "property_id", "surface", "created_at"),
        Index("ix_runs_status_last_updated", "status", "last_updated_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"))
    property_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("properties.id", ondelete="CASCADE"), index=True
    )
    surface: Mapped[str] = mapped_column(String(40))
    model_name: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.QUEUED)
    workflow_id: Mapped[str] = mapped_column(String(200), default="")
    batch_size: Mapped[int] = mapped_column(Integer, default=1)
    query_count: Mapped[int] = mapped_column(Integer, default=0)
    total_asks: Mapped[int] = mapped_column(Integer, default=0)
    answers_done: Mapped[int] = mapped_column(Integer, default=0)
    errors_count: Mapped[int] = mapped_column(Integer, default=0)
    progress_pct: Mapped[float] = mapped_column(Float, default=0.0)
    current_query_index: Mapped[int] = mapped_column(Integer, default=0)
    current_query: Mapped[str] = mapped_column(String(500), default="")
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    uses_web_search: Mapped[bool] = mapped_column(Boolean, default=False)
    mode: Mapped[str] = mapped_column(String(20), default="structured")
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    # Everything paid for, answers and unusable calls alike; the unusable part also on its own.
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    wasted_cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    web_searches: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )

    audit: Mapped[Audit] = relationship(back_populates="runs")
    score: Mapped[Score | None] = relationship(back_populates="run", uselist=False)


class Answer(Base):
    """One answer of one surface to one query sample; unique per (run, query, sample)."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("run_id", "query_id", "sample"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    # SET NULL keeps history when a query is later edited away; text and type are snapshots.
    query_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("queries.id", ondelete="SET NULL"), nullable=True, index=True
    )
    sample: Mapped[int] = mapped_column(Integer, default=0)
    query_text: Mapped[str] = mapped_column(String(500), default="")
    query_type: Mapped[str] = mapped_column(String(20), default="")
    query_weight: Mapped[float] = mapped_column(Float, default=1.0)
    status: Mapped[str] = mapped_column(String(10), default="ok")
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    presence: Mapped[bool] = mapped_column(Boolean, default=False)
    llm_rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    link_rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sov: Mapped[float | None] = mapped_column(Float, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    breakdown: Mapped[dict[str, Any]] = mapped_column(default=dict)
    flags: Mapped[list[Any]] = mapped_column(default=list)
    # The flags the model raised itself (`flags` adds what was detected), kept for re-scoring.
    model_flags: Mapped[list[Any]] = mapped_column(default=list)
    scoring_version: Mapped[int] = mapped_column(Integer, default=1)
    answer_summary: Mapped[str] = mapped_column(Text, default="")
    ordered_entities: Mapped[list[Any]] = mapped_column(default=list)
    raw_text: Mapped[str] = mapped_column(Text, default="")
    natural_response: Mapped[str | None] = mapped_column(Text, nullable=True)
    analysis: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    analysis_method: Mapped[str] = mapped_column(String(30), default="structured")
    sentiment: Mapped[str] = mapped_column(String(20), default="not_mentioned")
    sentiment_phrase: Mapped[str] = mapped_column(Text, default="")
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    model_name: Mapped[str] = mapped_column(String(120), default="")
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    web_searches: Mapped[int] = mapped_column(Integer, default=0)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    citations: Mapped[list[CitationRow]] = relationship(
        back_populates="answer",
        order_by="CitationRow.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class CitationRow(Base):
    __tablename__ = "citations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    answer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    url: Mapped[str] = mapped_column(Text)
    # The URL's host; the domain the model wrote beside the URL is only `claimed_domain`.
    domain: Mapped[str] = mapped_column(String(255), index=True)
    claimed_domain: Mapped[str] = mapped_column(String(255), default="")
    # True when the scorer counted this link as the brand's (named for the seed's column).
    is_brand_domain: Mapped[bool] = mapped_column(Boolean, default=False)
    entity_ref: Mapped[str] = mapped_column(String(255), default="")
    origin: Mapped[str] = mapped_column(String(10), default="answer")

    answer: Mapped[Answer] = relationship(back_populates="citations")


class Score(Base):
    __tablename__ = "scores"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("runs.id", ondelete="CASCADE"), unique=True
    )
    overall_score: Mapped[float] = mapped_column(Float)
    weighted_score: Mapped[float] = mapped_column(Float)
    visibility_pct: Mapped[float] = mapped_column(Float)
    avg_llm_rank: Mapped[float | None] = mapped_column(Float, nullable=True)
    avg_link_rank: Mapped[float | None] = mapped_column(Float, nullable=True)
    avg_sov: Mapped[float | None] = mapped_column(Float, nullable=True)
    breakdown: Mapped[dict[str, Any]] = mapped_column(default=dict)
    query_scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    visibility_ci_low: Mapped[float | None] = mapped_column(Float, nullable=True)
    visibility_ci_high: Mapped[float | None] = mapped_column(Float, nullable=True)
    sentiment: Mapped[dict[str, Any]] = mapped_column(default=dict)
    answered_count: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    scoring_version: Mapped[int] = mapped_column(Integer, default=1)
    rescored_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    run: Mapped[Run] = relationship(back_populates="score")


class Revision(Base):
    """Figures a re-scoring replaced, kept for comparison: a run's score (run_id set) or an
    audit's cross-model analysis (run_id empty)."""

    __tablename__ = "revisions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    audit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("audits.id", ondelete="CASCADE"), index=True
    )
    run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("runs.id", ondelete="CASCADE"), nullable=True, index=True
    )
    scoring_version: Mapped[int] = mapped_column(Integer)
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UnusableCall(Base):
    """A paid call whose answer could not be used (malformed JSON, empty text): its cost counts
    in the run's cost and the audit's budget. One row per attempt, however often it is told."""

    __tablename__ = "unusable_calls"
    __table_args__ = (UniqueConstraint("run_id", "query_id", "sample", "phase", "attempt"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    query_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    sample: Mapped[int] = mapped_column(Integer, default=0)
    phase: Mapped[str] = mapped_column(String(10))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    web_searches: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
