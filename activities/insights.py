"""After a batch: the cross-model analysis, its summary, and alerts — each recorded once."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from statistics import fmean
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.webhooks import Posting, deliver
from contracts.audit import AlertDecision, AuditRef, SendAlertInput, StoreSummaryInput
from contracts.status import RunStatus
from db import analysis as store
from db import rivals
from db.models import Audit
from db.properties import get_property
from geo.insights import CrossModel
from geo.notify import alert_body
from geo.summary import BatchSummary, rule_summary


def _combined(audit: Audit) -> tuple[float | None, float | None]:
    scores = [r.score for r in audit.runs if r.status == RunStatus.COMPLETED and r.score]
    if not scores:
        return None, None
    return (
        round(fmean(s.overall_score for s in scores), 2),
        round(fmean(s.visibility_pct for s in scores), 2),
    )


class InsightsActivities(Posting):
    @activity.defn
    async def analyze_batch(self, inp: AuditRef) -> dict[str, Any]:
        """Cross-model analysis of the finished batch, and who overtook the property since the
        audit before, stored with the audit once."""
        audit_id = uuid.UUID(inp.audit_id)
        async with self._sessions() as session, session.begin():
            audit = await store.get_audit(session, audit_id)
            if audit is None:
                raise ApplicationError(
                    f"audit {audit_id} not found", type="NotFound", non_retryable=True
                )
            if audit.insights is not None:
                return dict(audit.insights)
            analysis = await store.batch_analysis(session, audit)
            return await store.store_once(
                session, audit_id, "insights", analysis.model_dump(mode="json")
            )

    @activity.defn
    async def store_summary(self, inp: StoreSummaryInput) -> dict[str, Any]:
        """Keep the LLM's summary, or write the rule-based one; the first stored wins."""
        audit_id = uuid.UUID(inp.audit_id)
        async with self._sessions() as session, session.begin():
            audit = await store.get_audit(session, audit_id)
            if audit is None or audit.insights is None:
                raise ApplicationError(
                    "analyse the batch first", type="NotFound", non_retryable=True
                )
            if inp.summary is not None:
                summary = BatchSummary.model_validate({**inp.summary, "source": "llm"})
            else:
                prop = await get_property(session, audit.property_id)
                summary = rule_summary(
                    CrossModel.model_validate(audit.insights), prop.name if prop else "The property"
                )
            return await store.store_once(
                session, audit_id, "summary", summary.model_dump(mode="json")
            )

    @activity.defn
    async def check_alerts(self, inp: AuditRef) -> AlertDecision:
        """Did this audit drop past the property's thresholds, lose a surface, or let one of
        the profile's competitors overtake the property on a surface (`overtaken`)?"""
        async with self._sessions() as session, session.begin():
            audit = await store.get_audit(session, uuid.UUID(inp.audit_id))
            prop = await get_property(session, audit.property_id) if audit else None
            if audit is None or prop is None or not prop.alert_webhook_url:
                return AlertDecision(send=False)
            if audit.alert_sent_at is not None:
                return AlertDecision(send=False)
            previous = await store.previous_audit(session, audit)
            score, visibility = _combined(audit)
            reasons: list[str] = [
                f"{r.surface} failed: {r.error_message or 'no answer'}"
                for r in audit.runs
                if r.status == RunStatus.FAILED
            ]
            before_score, before_visibility = _combined(previous) if previous else (None, None)
            if score is not None and before_score is not None:
                if before_score - score > prop.alert_score_drop:
                    reasons.append(
                        f"score fell {before_score - score:.1f} points "
                        f"({before_score:.1f} → {score:.1f})"
                    )
            if visibility is not None and before_visibility is not None:
                if before_visibility - visibility > prop.alert_visibility_drop:
                    reasons.append(
                        f"visibility fell {before_visibility - visibility:.1f} points "
                        f"({before_visibility:.1f}% → {visibility:.1f}%)"
                    )
            overtaken = store.stored_overtakes(audit)
            if overtaken is None:  # an analysis stored before overtakes were
                overtaken = await rivals.overtaken_since(session, previous, audit, prop)
            reasons += [o.reason(prop.name) for o in overtaken]
            if not reasons:
                return AlertDecision(send=False)
            payload = {
                "type": "propertyaudit.alert",
                "property_id": str(prop.id),
                "property_name": prop.name,
                "audit_id": str(audit.id),
                "previous_audit_id": str(previous.id) if previous else None,
                "status": audit.status,
                "score": score,
                "previous_score": before_score,
                "visibility_pct": visibility,
                "previous_visibility_pct": before_visibility,
                "reasons": reasons,
                "overtaken": [asdict(o) for o in overtaken],
            }
            return AlertDecision(send=True, url=prop.alert_webhook_url, payload=payload)

    @activity.defn
    async def send_alert(self, inp: SendAlertInput) -> bool:
        """POST the alert through the SSRF guard, written in the property's alert_format as it
        is now (the canonical payload stays in the history); a 4xx/5xx answer is retried by
        Temporal, an internal address or a redirect is not. Recorded once when sent. Only the
        status code of the receiver's answer is ever kept (its body is never read)."""
        async with self._sessions() as session:
            audit = await store.get_audit(session, uuid.UUID(inp.audit_id))
            if audit is not None and audit.alert_sent_at is not None:
                return False
            prop = await get_property(session, audit.property_id) if audit else None
        body = alert_body(
            prop.alert_format if prop else "json",
            inp.payload,
            self._links,
            audit.workflow_id if audit else "",
        )
        await deliver(inp.url, body, self._egress)
        async with self._sessions() as session, session.begin():
            return await store.mark_alert_sent(session, uuid.UUID(inp.audit_id))
