"""An audit (one batch), a run per surface, each run's score, and the figures a re-scoring
replaced."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts.status import AuditStatus, RunStatus
from db.models.base import Base, Cost, Count, Created, Id, Moment, PropertyRef, UTCDateTime, utcnow


class Audit(Base):
    """One audit = one batch: a run per surface sharing this id."""

    __tablename__ = "audits"
    __table_args__ = (UniqueConstraint("property_id", "idempotency_key"),)

    id: Mapped[Id]
    property_id: Mapped[PropertyRef]
    status: Mapped[str] = mapped_column(String(20), default=AuditStatus.QUEUED)
    surfaces: Mapped[list[Any]] = mapped_column(default=list)
    mode: Mapped[str] = mapped_column(String(20), default="structured")
    web_search: Mapped[bool] = mapped_column(Boolean, default=False)
    samples_per_query: Mapped[int] = mapped_column(Integer, default=1)
    batch_size: Mapped[int] = mapped_column(Integer, default=0)
    query_count: Mapped[Count]
    workflow_id: Mapped[str] = mapped_column(String(200), default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    max_cost_usd: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Where the renter asks from (geo.location.AskerLocation); None: from nowhere in particular.
    asker_location: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    pause_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    insights: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    summary: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    alert_sent_at: Mapped[Moment]
    # The scoring rules behind `insights`, and when a re-scoring last replaced them.
    scoring_version: Mapped[int] = mapped_column(Integer, default=1)
    rescored_at: Mapped[Moment]
    created_at: Mapped[Created]
    started_at: Mapped[Moment]
    finished_at: Mapped[Moment]
    batch_completed_at: Mapped[Moment]

    runs: Mapped[list[Run]] = relationship(back_populates="audit", order_by="Run.surface")


class Run(Base):
    """One surface's part of an audit (the seed's geo_runs)."""

    __tablename__ = "runs"
    __table_args__ = (
        UniqueConstraint("batch_id", "surface"),
        Index("ix_runs_property_surface_created", "property_id", "surface", "created_at"),
        Index("ix_runs_status_last_updated", "status", "last_updated_at"),
    )

    id: Mapped[Id]
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"))
    property_id: Mapped[PropertyRef]
    surface: Mapped[str] = mapped_column(String(40))
    model_name: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.QUEUED)
    workflow_id: Mapped[str] = mapped_column(String(200), default="")
    batch_size: Mapped[int] = mapped_column(Integer, default=1)
    query_count: Mapped[Count]
    total_asks: Mapped[Count]
    answers_done: Mapped[Count]
    errors_count: Mapped[Count]
    progress_pct: Mapped[float] = mapped_column(Float, default=0.0)
    current_query_index: Mapped[int] = mapped_column(Integer, default=0)
    current_query: Mapped[str] = mapped_column(String(500), default="")
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    uses_web_search: Mapped[bool] = mapped_column(Boolean, default=False)
    mode: Mapped[str] = mapped_column(String(20), default="structured")
    input_tokens: Mapped[Count]
    output_tokens: Mapped[Count]
    # Everything paid for, answers and unusable calls alike; the unusable part also on its own.
    cost_usd: Mapped[Cost]
    wasted_cost_usd: Mapped[Cost]
    web_searches: Mapped[Count]
    created_at: Mapped[Created]
    started_at: Mapped[Moment]
    finished_at: Mapped[Moment]
    last_updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )

    audit: Mapped[Audit] = relationship(back_populates="runs")
    score: Mapped[Score | None] = relationship(back_populates="run", uselist=False)


class Score(Base):
    __tablename__ = "scores"

    id: Mapped[Id]
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
    answered_count: Mapped[Count]
    error_count: Mapped[Count]
    scoring_version: Mapped[int] = mapped_column(Integer, default=1)
    rescored_at: Mapped[Moment]
    created_at: Mapped[Created]

    run: Mapped[Run] = relationship(back_populates="score")


class Revision(Base):
    """Figures a re-scoring replaced, kept for comparison: a run's score (run_id set) or an
    audit's cross-model analysis (run_id empty)."""

    __tablename__ = "revisions"

    id: Mapped[Id]
    audit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("audits.id", ondelete="CASCADE"), index=True
    )
    run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("runs.id", ondelete="CASCADE"), nullable=True, index=True
    )
    scoring_version: Mapped[int] = mapped_column(Integer)
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
