"""Organisations and their API keys."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas.common import Name, RequestModel

ShownOnce = Annotated[str, Field(description="shown once: only its hash is kept")]


class OrgCreate(RequestModel):
    name: Name


class OrgCreated(BaseModel):
    org_id: uuid.UUID
    name: str
    key_id: uuid.UUID
    api_key: ShownOnce


class KeyCreated(BaseModel):
    org_id: uuid.UUID
    key_id: uuid.UUID
    api_key: ShownOnce


class KeyPublic(BaseModel):
    key_id: uuid.UUID
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class OrgPublic(BaseModel):
    org_id: uuid.UUID
    name: str
    created_at: datetime
