"""Organisations and their API keys."""

from __future__ import annotations

import uuid

from sqlalchemy import (
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Created, Id, Moment


class Organisation(Base):
    """A customer: its API keys see its own properties and everything under them."""

    __tablename__ = "organisations"

    id: Mapped[Id]
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[Created]


class ApiKey(Base):
    """An organisation's API key, stored as a hash; the key itself is shown once."""

    __tablename__ = "api_keys"

    id: Mapped[Id]
    org_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    # The key's public part, to find its row without scanning every hash.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[Created]
    revoked_at: Mapped[Moment]
