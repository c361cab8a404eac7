"""The weekly digest's workflow and activity payloads."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from geo.digest import Digest


class DigestInput(BaseModel):
    """What a digest schedule (or `POST /properties/{id}/digest/send`) starts."""

    property_id: str


class BuildDigestInput(BaseModel):
    property_id: str
    # The workflow's run id (the digest's id) and the end of the week it covers.
    digest_id: str
    until: datetime


class DigestPlan(BaseModel):
    """The digest to send; none when there is nothing to send (`skipped` says why)."""

    digest: Digest | None = None
    skipped: str = ""


class SendDigestInput(BaseModel):
    """The webhook's address and format are read at send time, never carried in the history
    (a Slack or Teams webhook URL is a credential)."""

    property_id: str
    digest: Digest


class DigestSent(BaseModel):
    format: str = ""
    status_code: int | None = None
    skipped: str = ""


class DigestResult(BaseModel):
    property_id: str
    digest_id: str
    sent: bool
    format: str = ""
    skipped: str = ""
    latest_audit_id: str | None = None


def digest_schedule_id(property_id: str) -> str:
    """The property's digest Schedule; the workflows it starts are this id plus the time."""
    return f"digest-{property_id}"


def digest_now_workflow_id(property_id: str) -> str:
    """A digest sent on demand: one at a time per property."""
    return f"digest-{property_id}-now"
