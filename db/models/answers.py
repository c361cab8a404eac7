"""Answers (one per run, query and sample), the citations a reader saw, and paid calls whose
answer was unusable."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Cost, Count, Created, Id


class Answer(Base):
    """One answer of one surface to one query sample; unique per (run, query, sample)."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("run_id", "query_id", "sample"),)

    id: Mapped[Id]
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    # SET NULL keeps history when a query is later edited away; text and type are snapshots.
    query_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("queries.id", ondelete="SET NULL"), nullable=True, index=True
    )
    sample: Mapped[int] = mapped_column(Integer, default=0)
    query_text: Mapped[str] = mapped_column(String(500), default="")
    query_type: Mapped[str] = mapped_column(String(20), default="")
    query_weight: Mapped[float] = mapped_column(Float, default=1.0)
    query_persona: Mapped[str] = mapped_column(String(40), default="")
    query_language: Mapped[str] = mapped_column(String(8), default="en")
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
    cost_usd: Mapped[Cost]
    model_name: Mapped[str] = mapped_column(String(120), default="")
    input_tokens: Mapped[Count]
    output_tokens: Mapped[Count]
    web_searches: Mapped[Count]
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[Created]

    citations: Mapped[list[CitationRow]] = relationship(
        back_populates="answer",
        order_by="CitationRow.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class CitationRow(Base):
    __tablename__ = "citations"

    id: Mapped[Id]
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


class UnusableCall(Base):
    """A paid call whose answer could not be used (malformed JSON, empty text): its cost counts
    in the run's cost and the audit's budget. One row per attempt, however often it is told."""

    __tablename__ = "unusable_calls"
    __table_args__ = (UniqueConstraint("run_id", "query_id", "sample", "phase", "attempt"),)

    id: Mapped[Id]
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    query_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    sample: Mapped[int] = mapped_column(Integer, default=0)
    phase: Mapped[str] = mapped_column(String(10))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    input_tokens: Mapped[Count]
    output_tokens: Mapped[Count]
    web_searches: Mapped[Count]
    cost_usd: Mapped[Cost]
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[Created]
