"""A property's recommendations, from its latest closed audit."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from geo.recommendations import Recommendation


class RecommendationsOut(BaseModel):
    property_id: uuid.UUID
    audit_id: uuid.UUID | None
    generated_at: datetime
    recommendations: list[Recommendation]
    summary: dict[str, Any]
