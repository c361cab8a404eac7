"""Alerts: a score drop, a visibility drop and a failed surface each make an alert; a drop
between audits scored by different rules does not."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from temporalio.testing import ActivityEnvironment

from activities.insights import InsightsActivities
from contracts.audit import AuditRef
from db.models import Audit
from tests.factories import AuditSpec, Sessions, block, new_audit, new_property

QUESTIONS = [f"Question {i}" for i in range(4)]
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def audit(present: int, *, at: int, ranked_first: bool = True, **kw: object) -> AuditSpec:
    """Four questions; the brand named in the first `present` answers."""
    hit = block(["AMLI Aero", "Vista Park"] if ranked_first else ["Vista Park"] * 9 + ["AMLI Aero"])
    miss = block(["Vista Park"])
    answers = {q: (hit if i < present else miss) for i, q in enumerate(QUESTIONS)}
    return AuditSpec(answers={"openai": answers}, created_at=T0 + timedelta(days=at), **kw)  # type: ignore[arg-type]


async def decide(sessions: Sessions, *specs: AuditSpec, drop: float = 10, vis: float = 15):  # type: ignore[no-untyped-def]
    pid = await new_property(
        sessions,
        QUESTIONS,
        alert_webhook_url="https://hooks.example.com/geo",
        alert_score_drop=drop,
        alert_visibility_drop=vis,
    )
    ids = [await new_audit(sessions, pid, s) for s in specs]
    acts = InsightsActivities(sessions)
    return ids, await ActivityEnvironment().run(acts.check_alerts, AuditRef(audit_id=str(ids[-1])))


async def test_a_score_drop_sends_an_alert(sessions: Sessions) -> None:
    # Same visibility (all four named), but ranked tenth instead of first: the score falls.
    _, decision = await decide(sessions, audit(4, at=0), audit(4, at=1, ranked_first=False), vis=90)
    assert decision.send and decision.url == "https://hooks.example.com/geo"
    reasons = decision.payload["reasons"]
    assert len(reasons) == 1 and reasons[0].startswith("score fell")
    assert decision.payload["previous_score"] > decision.payload["score"]


async def test_a_visibility_drop_sends_an_alert(sessions: Sessions) -> None:
    _, decision = await decide(sessions, audit(4, at=0), audit(1, at=1), drop=90)
    assert decision.send
    assert [r.split(" ")[0:2] for r in decision.payload["reasons"]] == [["visibility", "fell"]]
    assert decision.payload["visibility_pct"] == 25.0
    assert decision.payload["previous_visibility_pct"] == 100.0


async def test_no_alert_within_the_thresholds_or_across_scoring_versions(
    sessions: Sessions,
) -> None:
    _, quiet = await decide(sessions, audit(4, at=0), audit(4, at=1))
    assert not quiet.send
    ids, _ = await decide(sessions, audit(4, at=0), audit(1, at=1))

    async with sessions() as s, s.begin():  # the earlier audit was scored by older rules
        await s.execute(update(Audit).where(Audit.id == ids[0]).values(scoring_version=1))
    again = await ActivityEnvironment().run(
        InsightsActivities(sessions).check_alerts, AuditRef(audit_id=str(ids[1]))
    )
    assert not again.send


async def test_a_failed_surface_sends_an_alert(sessions: Sessions) -> None:
    spec = audit(4, at=0, status="partial", run_status={"openai": "failed"})
    _, decision = await decide(sessions, spec)
    assert decision.send and decision.payload["reasons"][0].startswith("openai failed")
    assert uuid.UUID(decision.payload["audit_id"])
