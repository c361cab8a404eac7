"""What every table shares: the declarative base, its naming convention, UTC timestamps on
every backend, and the column types repeated across tables."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, MetaData, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

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


Id = Annotated[uuid.UUID, mapped_column(Uuid, primary_key=True, default=uuid.uuid4)]
Created = Annotated[datetime, mapped_column(UTCDateTime(), default=utcnow)]
Updated = Annotated[datetime, mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)]
Moment = Annotated[datetime | None, mapped_column(UTCDateTime(), nullable=True)]
# What a row's work used or produced (tokens, web searches, answers): zero until counted.
Count = Annotated[int, mapped_column(Integer, default=0)]
# US dollars paid for a row's calls: zero until one is charged.
Cost = Annotated[float, mapped_column(Float, default=0.0)]
# The property a row hangs under: deleting the property deletes the row.
PropertyRef = Annotated[
    uuid.UUID, mapped_column(ForeignKey("properties.id", ondelete="CASCADE"), index=True)
]


class Base(AsyncAttrs, DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JsonType, list[Any]: JsonType}
