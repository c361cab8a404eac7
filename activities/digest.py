"""The weekly digest: its figures read from the database, its body written in the property's
alert format and sent through the same SSRF-guarded path as alerts."""

from __future__ import annotations

import uuid
from datetime import timedelta
from statistics import fmean

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity

from activities.webhooks import Posting, deliver
from contracts.digest import BuildDigestInput, DigestPlan, DigestSent, SendDigestInput
from contracts.status import RunStatus
from db import trends
from db.analysis import previous_audit
from db.models import Audit
from db.properties import get_property
from geo.digest import AuditFigures, Rival, SurfaceFigures, compose_digest
from geo.insights import CrossModel
from geo.notify import digest_body

WEEK = timedelta(days=7)
TOP_RIVALS = 5


def figures(audit: Audit) -> AuditFigures:
    """An audit's completed runs, per surface and combined (their mean)."""
    surfaces = [
        SurfaceFigures(
            surface=r.surface,
            score=round(r.score.overall_score, 1),
            visibility_pct=round(r.score.visibility_pct, 1),
        )
        for r in audit.runs
        if r.status == RunStatus.COMPLETED and r.score is not None
    ]
    scores = [s.score for s in surfaces if s.score is not None]
    visibility = [s.visibility_pct for s in surfaces if s.visibility_pct is not None]
    return AuditFigures(
        audit_id=str(audit.id),
        workflow_id=audit.workflow_id,
        status=audit.status,
        created_at=audit.created_at,
        score=round(fmean(scores), 1) if scores else None,
        visibility_pct=round(fmean(visibility), 1) if visibility else None,
        surfaces=surfaces,
    )


def competition(audit: Audit) -> tuple[list[Rival], list[str]]:
    """From the audit's stored analysis: the competitors it named most, and who overtook the
    property where ("Vista Park on openai")."""
    if audit.insights is None:
        return [], []
    analysis = CrossModel.model_validate(audit.insights)
    named = [
        Rival(name=c.name, mentions=c.mentions, avg_rank=c.avg_rank)
        for c in analysis.competitors[:TOP_RIVALS]
    ]
    return named, [o.label for o in analysis.overtaken or []]


class DigestActivities(Posting):
    async def _audits_in_week(self, session: AsyncSession, inp: BuildDigestInput) -> int:
        count = await session.scalar(
            select(func.count())
            .select_from(Audit)
            .where(
                Audit.property_id == uuid.UUID(inp.property_id),
                Audit.created_at > inp.until - WEEK,
                Audit.created_at <= inp.until,
            )
        )
        return int(count or 0)

    @activity.defn
    async def build_digest(self, inp: BuildDigestInput) -> DigestPlan:
        """The property's week: its latest audit against the one before (scored by the same
        rules), banners, competitors, audits run; nothing to send without a webhook."""
        async with self._sessions() as session:
            prop = await get_property(session, uuid.UUID(inp.property_id))
            if prop is None:
                return DigestPlan(skipped="the property no longer exists")
            if not prop.alert_webhook_url:
                return DigestPlan(skipped="the property has no alert_webhook_url")
            latest = await trends.latest_closed_audit(session, prop.id)
            previous = await previous_audit(session, latest) if latest else None
            count = await self._audits_in_week(session, inp)
        pid = str(prop.id)
        links = {"dashboard": self._links.property_page(pid), "api": self._links.property_api(pid)}
        if latest is not None:
            links |= {
                "audit": self._links.audit_page(str(latest.id)),
                "api": self._links.audit_api(str(latest.id)),
                "temporal": self._links.workflow(latest.workflow_id),
            }
        named, overtaken = competition(latest) if latest else ([], [])
        digest = compose_digest(
            digest_id=inp.digest_id,
            property_id=pid,
            property_name=prop.name,
            period=(inp.until - WEEK, inp.until),
            audits_this_week=count,
            latest=figures(latest) if latest else None,
            previous=figures(previous) if previous else None,
            rivals=named,
            overtaken=overtaken,
            links={k: v for k, v in links.items() if v},
        )
        return DigestPlan(digest=digest)

    @activity.defn
    async def send_digest(self, inp: SendDigestInput) -> DigestSent:
        """POST the digest to the property's webhook, written in its format, through the SSRF
        guard; a failed delivery is retried by Temporal, a refused address is not."""
        async with self._sessions() as session:
            prop = await get_property(session, uuid.UUID(inp.property_id))
        if prop is None or not prop.alert_webhook_url:
            return DigestSent(skipped="the property no longer has an alert_webhook_url")
        body = digest_body(prop.alert_format, inp.digest)
        status = await deliver(prop.alert_webhook_url, body, self._egress)
        return DigestSent(format=prop.alert_format, status_code=status)
