"""Re-scoring's workflow inputs and outputs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

RescoreTarget = Literal["run", "audit", "property", "all"]


class RescoreTotals(BaseModel):
    audits: int = 0
    runs: int = 0
    answers: int = 0
    changed_answers: int = 0
    skipped_open_audits: int = 0
    scoring_version: int = 0


class RescoreInput(BaseModel):
    """Re-score a run, an audit, a property's audits or everything, with today's rules."""

    kind: RescoreTarget
    target_id: str | None = None
    scoring_version: int
    # Carried across continue-as-new: where the last page ended, and the totals so far.
    cursor: tuple[str, str] | None = None
    totals: RescoreTotals | None = None


class RescorePageInput(BaseModel):
    kind: RescoreTarget
    target_id: str | None = None
    cursor: tuple[str, str] | None = None
    limit: int = 20


class AuditToRescore(BaseModel):
    audit_id: str
    run_ids: list[str]


class RescorePage(BaseModel):
    audits: list[AuditToRescore]
    next_cursor: tuple[str, str] | None = None
    open_audits: int = 0


class RescoreRunInput(BaseModel):
    run_id: str


class RunRescoreResult(BaseModel):
    run_id: str
    answers: int
    changed: int
    score_before: float | None = None
    score_after: float | None = None


def rescore_workflow_id(kind: str, target_id: str | None, version: int) -> str:
    return f"rescore-{kind}-{target_id or 'everything'}-v{version}"
