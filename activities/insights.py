"""After a batch: the cross-model analysis, its summary, and alerts — each recorded once."""

from __future__ import annotations

import uuid
from statistics import fmean
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from config.egress import EgressPolicy, EgressRefused, Redirected, post_json
from contracts.audit import AlertDecision, AuditRef, SendAlertInput, StoreSummaryInput
from contracts.status import RunStatus
from db import analysis as store
from db.models import Audit
from db.properties import get_property
from geo.insights import CrossModel, analyze_batch
from geo.summary import BatchSummary, rule_summary


def _combined(audit: Audit) -> tuple[float | None, float | None]:
    scores = [r.score for r in audit.runs if r.status == RunStatus.COMPLETED and r.score]
    if not scores:
        return None, None
    return (
        round(fmean(s.overall_score for s in scores), 2),
        round(fmean(s.visibility_pct for s in scores), 2),
    )


class InsightsActivities:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], egress: EgressPolicy | None = None
    ) -> None:
        self._sessions = sessions
        self._egress = egress or EgressPolicy()

    @activity.defn
    async def analyze_batch(self, inp: AuditRef) -> dict[str, Any]:
        """Cross-model analysis of the finished batch, stored with the audit once."""
        audit_id = uuid.UUID(inp.audit_id)
        async with self._sessions() as session, session.begin():
            audit = await store.get_audit(session, audit_id)
            if audit is None:
                raise ApplicationError(
                    f"audit {audit_id} not found", type="NotFound", non_retryable=True
                )
            if audit.insights is not None:
                return dict(audit.insights)
            brand = await store.brand_of(session, audit.property_id)
            analysis = analyze_batch(await store.surface_facts(session, audit), brand)
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
        """Did this audit drop past the property's thresholds, or lose a surface?"""
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
            }
            return AlertDecision(send=True, url=prop.alert_webhook_url, payload=payload)

    @activity.defn
    async def send_alert(self, inp: SendAlertInput) -> bool:
        """POST the alert through the SSRF guard; a 4xx/5xx answer is retried by Temporal, an
        internal address or a redirect is not. Recorded once when sent. Only the status code
        of the receiver's answer is ever kept (its body is never read)."""
        async with self._sessions() as session:
            audit = await store.get_audit(session, uuid.UUID(inp.audit_id))
            if audit is not None and audit.alert_sent_at is not None:
                return False
        try:
            status = await post_json(inp.url, inp.payload, self._egress)
        except EgressRefused as exc:
            raise ApplicationError(
                f"webhook refused: {exc}", type="WebhookRefused", non_retryable=True
            ) from None
        except Redirected as exc:
            raise ApplicationError(str(exc), type="WebhookRefused", non_retryable=True) from None
        except httpx.HTTPError as exc:
            raise ApplicationError(
                f"webhook unreachable ({type(exc).__name__})", type="WebhookFailed"
            ) from None
        if status >= 400:
            raise ApplicationError(f"webhook answered HTTP {status}", type="WebhookFailed")
        async with self._sessions() as session, session.begin():
            return await store.mark_alert_sent(session, uuid.UUID(inp.audit_id))
