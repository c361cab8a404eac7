"""WeeklyDigest: a property's week, sent once to its webhook in the format it chose.

Started by the property's digest Schedule (`digest-{property_id}`, each run its own workflow)
or by `POST /properties/{id}/digest/send`. The digest is built from the database in one activity
and sent in another: a failed delivery is retried without rebuilding it, and the digest the
receiver got stays in the history. Its id is the run's id, so a receiver can drop a repeat.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.digest import DigestActivities
    from contracts.digest import (
        BuildDigestInput,
        DigestInput,
        DigestPlan,
        DigestResult,
        DigestSent,
        SendDigestInput,
    )
    from workflows import calls
    from workflows.policies import ALERT_RETRY

# One POST (the SSRF guard's client gives up after 10 s) and its DNS look-up.
SEND_TIMEOUT = timedelta(seconds=30)


@workflow.defn(name="WeeklyDigest")
class WeeklyDigestWorkflow:
    @workflow.run
    async def run(self, inp: DigestInput) -> DigestResult:
        run_id = workflow.info().run_id
        plan: DigestPlan = await calls.db(
            DigestActivities.build_digest,
            BuildDigestInput(property_id=inp.property_id, digest_id=run_id, until=workflow.now()),
            "build the weekly digest",
        )
        result = DigestResult(property_id=inp.property_id, digest_id=run_id, sent=False)
        if plan.digest is None:
            workflow.logger.info("no digest to send: %s", plan.skipped)
            return result.model_copy(update={"skipped": plan.skipped})
        sent: DigestSent = await workflow.execute_activity_method(
            DigestActivities.send_digest,
            SendDigestInput(property_id=inp.property_id, digest=plan.digest),
            start_to_close_timeout=SEND_TIMEOUT,
            retry_policy=ALERT_RETRY,
            summary="send the weekly digest",
        )
        latest = plan.digest.latest
        return result.model_copy(
            update={
                "sent": not sent.skipped,
                "format": sent.format,
                "skipped": sent.skipped,
                "latest_audit_id": latest.audit_id if latest else None,
            }
        )
