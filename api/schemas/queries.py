"""A property's query panel: the questions an audit asks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import QueryTypeName, RequestModel

QueryText = Annotated[str, Field(min_length=3, max_length=500)]
Weight = Annotated[float, Field(gt=0, le=10)]


class QueryCreate(RequestModel):
    text: QueryText
    type: QueryTypeName = "category"
    weight: Weight = 1.0
    is_active: bool = True


class QueryUpdate(RequestModel):
    text: QueryText | None = None
    type: QueryTypeName | None = None
    weight: Weight | None = None
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
