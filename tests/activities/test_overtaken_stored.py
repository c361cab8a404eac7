"""Who overtook the property is worked out once, when the batch's analysis is stored
(`insights.overtaken`), and read from there by the alert and the weekly digest."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from sqlalchemy import null, select, update
from temporalio.testing import ActivityEnvironment

from activities.digest import DigestActivities
from activities.insights import InsightsActivities
from contracts.audit import AuditRef
from contracts.digest import BuildDigestInput
from db.models import Audit
from geo.notify import digest_body
from tests.db.overtaken_audits import BANNER, OVERTAKEN, overtaken_audits
from tests.db.rival_audits import T0, three_audits
from tests.factories import Sessions

HOOK = "https://hooks.example.com/geo"
QUIET = {"alert_score_drop": 90.0, "alert_visibility_drop": 90.0}  # only overtakes alert


async def stored(sessions: Sessions, audit_id: uuid.UUID) -> object:
    async with sessions() as s:
        return await s.scalar(select(Audit.insights).where(Audit.id == audit_id))


async def test_the_stored_analysis_names_who_overtook_the_property(sessions: Sessions) -> None:
    _, ids = await three_audits(sessions)
    async with sessions() as s, s.begin():  # as the workflow finds them: not analysed yet
        await s.execute(update(Audit).where(Audit.id.in_(ids)).values(insights=null()))
    analyze = InsightsActivities(sessions).analyze_batch
    found = [await ActivityEnvironment().run(analyze, AuditRef(audit_id=str(a))) for a in ids]
    # The first has no audit before it, the second changes no standing, the third does.
    assert [f["overtaken"] for f in found] == [[], [], OVERTAKEN]
    insights = await stored(sessions, ids[2])
    assert isinstance(insights, dict) and insights["overtaken"] == OVERTAKEN
    assert insights["competitors"] == found[2]["competitors"]  # the rest is as it was


async def test_the_alert_reads_the_stored_overtakes(sessions: Sessions) -> None:
    _, ids = await overtaken_audits(sessions, alert_webhook_url=HOOK, **QUIET)
    check = InsightsActivities(sessions).check_alerts
    decision = await ActivityEnvironment().run(check, AuditRef(audit_id=str(ids[2])))
    assert decision.send and decision.payload["overtaken"] == OVERTAKEN
    # Worked out once: with the stored list emptied, nothing is left to alert about.
    async with sessions() as s, s.begin():
        insights = dict(await s.scalar(select(Audit.insights).where(Audit.id == ids[2])) or {})
        insights["overtaken"] = []
        await s.execute(update(Audit).where(Audit.id == ids[2]).values(insights=insights))
    assert not (await ActivityEnvironment().run(check, AuditRef(audit_id=str(ids[2])))).send


async def test_the_digest_says_who_overtook_the_property(sessions: Sessions) -> None:
    prop, ids = await overtaken_audits(sessions, alert_webhook_url=HOOK, alert_format="slack")
    plan = await ActivityEnvironment().run(
        DigestActivities(sessions).build_digest,
        BuildDigestInput(property_id=str(prop), digest_id="run-1", until=T0 + timedelta(days=15)),
    )
    digest = plan.digest
    assert digest is not None and digest.latest and digest.latest.audit_id == str(ids[2])
    banner = next(b for b in digest.banners if b.title == "Overtaken by a competitor")
    assert (banner.level, banner.detail) == ("competitive", BANNER)
    for fmt in ("json", "slack", "teams"):
        body = json.dumps(digest_body(fmt, digest), ensure_ascii=False)
        assert f"Overtaken by a competitor: {BANNER}" in body or fmt == "json", fmt
        assert BANNER in body, fmt
