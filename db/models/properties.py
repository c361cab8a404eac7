"""A property and its panel of questions."""

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Created, Id, PropertyRef, Updated


class Property(Base):
    __tablename__ = "properties"

    id: Mapped[Id]
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
    # How alerts and digests are written for the webhook: plain JSON, Slack or Microsoft Teams.
    alert_format: Mapped[str] = mapped_column(String(10), default="json")
    # Portfolio grouping: free tags ("lease-up", "student") and one region or submarket.
    tags: Mapped[list[Any]] = mapped_column(default=list)
    region: Mapped[str] = mapped_column(String(120), default="", index=True)
    created_at: Mapped[Created]
    updated_at: Mapped[Updated]

    queries: Mapped[list[Query]] = relationship(
        back_populates="property", cascade="all, delete-orphan", passive_deletes=True
    )


class Query(Base):
    __tablename__ = "queries"
    __table_args__ = (UniqueConstraint("property_id", "text_key"),)

    id: Mapped[Id]
    property_id: Mapped[PropertyRef]
    text: Mapped[str] = mapped_column(String(500))
    # Lower-cased, space-normalised text: what makes two questions the same question.
    text_key: Mapped[str] = mapped_column(String(500))
    type: Mapped[str] = mapped_column(String(20))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    geo: Mapped[str] = mapped_column(String(200), default="")
    # Who asks ("" for any renter, else a persona key such as "families") and in which language.
    persona: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    generated: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[Created]
    updated_at: Mapped[Updated]

    property: Mapped[Property] = relationship(back_populates="queries")
