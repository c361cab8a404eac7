"""A property's weekly digest on a Temporal Schedule."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator

from api.schemas.common import RequestModel

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class DigestScheduleIn(RequestModel):
    """When the digest goes out: a weekday and an hour in a time zone (IANA name)."""

    weekday: Weekday = "monday"
    hour: Annotated[int, Field(ge=0, le=23)] = 8
    minute: Annotated[int, Field(ge=0, le=59)] = 0
    timezone: Annotated[str, Field(min_length=1, max_length=64)] = "UTC"
    paused: bool = False

    @field_validator("timezone")
    @classmethod
    def known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name: Europe/Madrid)") from None
        return value


class DigestRun(BaseModel):
    workflow_id: str
    run_id: str | None
    scheduled_at: datetime
    started_at: datetime


class DigestScheduleOut(BaseModel):
    schedule_id: str
    property_id: uuid.UUID
    weekday: Weekday
    hour: int
    minute: int
    timezone: str
    paused: bool
    alert_format: str = Field(description="how the digest is written: json, slack or teams")
    next_run_times: list[datetime]
    last_run: DigestRun | None
    recent_runs: list[DigestRun]
    digests_started: int
    temporal_url: str = Field(description="the schedule in the Temporal Web UI")


class DigestStarted(BaseModel):
    property_id: uuid.UUID
    workflow_id: str
    run_id: str | None
    alert_format: str
    temporal_url: str = Field(description="the digest's workflow in the Temporal Web UI")
