"""The statuses an audit and its runs go through, as the database, the API and Temporal's
`AuditStatus` search attribute spell them."""

from __future__ import annotations

from enum import StrEnum


class AuditStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    PARTIAL = "partial"  # some surfaces failed or were cancelled, at least one completed
    FAILED = "failed"
    CANCELLED = "cancelled"


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINAL_AUDIT_STATUSES = frozenset(
    {AuditStatus.COMPLETED, AuditStatus.PARTIAL, AuditStatus.FAILED, AuditStatus.CANCELLED}
)
FINAL_RUN_STATUSES = frozenset({RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED})
OPEN_RUN_STATUSES = frozenset({RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.PAUSED})
# Audits whose answers count in trends, alerts and recommendations.
CLOSED_WITH_ANSWERS = frozenset({AuditStatus.COMPLETED, AuditStatus.PARTIAL})


class PauseReason(StrEnum):
    REQUESTED = "requested"
    BUDGET = "budget"  # the audit's cost reached its max_cost_usd
