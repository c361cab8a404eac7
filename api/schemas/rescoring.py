"""Re-scoring stored answers with today's rules."""

from __future__ import annotations

import uuid

from pydantic import BaseModel

from contracts.rescore import RescoreTarget, RescoreTotals


class RescoreState(BaseModel):
    workflow_id: str
    kind: RescoreTarget
    target_id: uuid.UUID | None
    scoring_version: int
    status: str
    progress: RescoreTotals | None
    links: dict[str, str]
