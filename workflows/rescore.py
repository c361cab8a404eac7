"""Rescore: stored answers scored again with today's rules, without buying a single answer.

One workflow per target and scoring version (`rescore-<kind>-<id>-v<version>`), so asking twice
re-scores once. It pages through the target's closed audits: every run's answers and score are
rewritten (the figures they replace are kept), then the audit's cross-model analysis.
"""

from __future__ import annotations

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.rescoring import RescoringActivities
    from contracts.audit import AuditRef
    from contracts.rescore import (
        AuditToRescore,
        RescoreInput,
        RescorePage,
        RescorePageInput,
        RescoreRunInput,
        RescoreTotals,
        RunRescoreResult,
    )
    from workflows import calls
    from workflows.policies import DB_START_TO_CLOSE

# Audits per page; runs re-scored at once (each is one transaction over its answers).
PAGE = 20
RUNS_AT_ONCE = 4
HISTORY_BUDGET = 5_000


# A run's re-scoring is one transaction over all its answers: more than a single write.
RUN_TIMEOUT = DB_START_TO_CLOSE * 4


@workflow.defn(name="Rescore")
class RescoreWorkflow:
    @workflow.init
    def __init__(self, inp: RescoreInput) -> None:
        self._totals = inp.totals or RescoreTotals(scoring_version=inp.scoring_version)

    @workflow.run
    async def run(self, inp: RescoreInput) -> RescoreTotals:
        cursor = inp.cursor
        while True:
            page: RescorePage = await calls.db(
                RescoringActivities.rescore_page,
                RescorePageInput(kind=inp.kind, target_id=inp.target_id, cursor=cursor, limit=PAGE),
                "next audits to re-score",
            )
            self._totals.skipped_open_audits += page.open_audits
            for audit in page.audits:
                await self._audit(audit)
            cursor = page.next_cursor
            if cursor is None:
                return self._totals
            if workflow.info().get_current_history_length() > HISTORY_BUDGET:
                workflow.continue_as_new(
                    inp.model_copy(update={"cursor": cursor, "totals": self._totals})
                )

    async def _audit(self, audit: AuditToRescore) -> None:
        for start in range(0, len(audit.run_ids), RUNS_AT_ONCE):
            done: list[RunRescoreResult] = await asyncio.gather(
                *(
                    calls.db(
                        RescoringActivities.rescore_run,
                        RescoreRunInput(run_id=run_id),
                        f"re-score run {run_id[:8]}",
                        start_to_close=RUN_TIMEOUT,
                    )
                    for run_id in audit.run_ids[start : start + RUNS_AT_ONCE]
                )
            )
            for result in done:
                self._totals.runs += 1
                self._totals.answers += result.answers
                self._totals.changed_answers += result.changed
        await calls.db(
            RescoringActivities.reanalyze_audit,
            AuditRef(audit_id=audit.audit_id),
            f"re-analyse audit {audit.audit_id[:8]}",
            start_to_close=RUN_TIMEOUT,
        )
        self._totals.audits += 1

    @workflow.query
    def progress(self) -> RescoreTotals:
        return self._totals
