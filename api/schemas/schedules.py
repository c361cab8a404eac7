"""A property's recurring audit."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas.audits import AuditOptions, CostCap
from geo.location import AskerLocation


class ScheduleIn(AuditOptions):
    """Recurring audits: exactly one of an interval or a cron expression."""

    interval_minutes: Annotated[int, Field(ge=5, le=525_600)] | None = None
    cron: Annotated[str, Field(min_length=9, max_length=100)] | None = None
    time_zone: Annotated[str, Field(max_length=64)] = "UTC"
    max_cost_usd: CostCap | None = Field(
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
    asker_location: AskerLocation | None = None
    max_cost_usd: float | None
    paused: bool
    note: str
    next_run_times: list[datetime]
    recent_workflow_ids: list[str]
    audits_started: int
