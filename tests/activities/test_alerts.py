"""Alerts: a score drop, a visibility drop and a failed surface each make an alert; a drop
between audits scored by different rules does not. Sent, an alert reaches the receiver once,
written in the property's format (JSON, Slack, Teams); an internal receiver is refused."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.insights import InsightsActivities
from config.egress import EgressPolicy
from contracts.audit import AuditRef, SendAlertInput
from db.models import Audit
from geo.notify import Links
from tests.factories import AuditSpec, Sessions, block, new_audit, new_property
from tests.webhooks import LOOPBACK, Receiver, receiving, slack_errors, teams_errors

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


LINKS = Links("https://audit.example.com", "https://temporal.example.com")


async def _send(sessions: Sessions, fmt: str, egress: EgressPolicy) -> tuple[Receiver, object]:
    """An alert decided by check_alerts for a property that wants `fmt`, sent once to a local
    receiver (then once more, which must send nothing)."""
    with receiving() as receiver:
        pid = await new_property(
            sessions,
            QUESTIONS,
            name="AMLI Aero <!channel> &",
            alert_webhook_url=receiver.url,
            alert_format=fmt,
        )
        await new_audit(sessions, pid, audit(4, at=0))
        latest = await new_audit(sessions, pid, audit(1, at=1))
        acts = InsightsActivities(sessions, egress, LINKS)
        env = ActivityEnvironment()
        decision = await env.run(acts.check_alerts, AuditRef(audit_id=str(latest)))
        assert decision.send and decision.url == receiver.url
        send = SendAlertInput(audit_id=str(latest), url=decision.url, payload=decision.payload)
        try:
            first = await env.run(acts.send_alert, send)
            again = await env.run(acts.send_alert, send)
            assert (first, again) == (True, False)
        except ApplicationError as err:
            return receiver, err
    return receiver, decision.payload


@pytest.mark.parametrize("fmt", ["json", "slack", "teams"])
async def test_send_alert_posts_the_property_s_format(sessions: Sessions, fmt: str) -> None:
    receiver, payload = await _send(sessions, fmt, LOOPBACK)
    assert len(receiver.bodies) == 1  # the second send found the alert recorded
    (body,) = receiver.bodies
    if fmt == "json":
        assert body == payload
    elif fmt == "slack":
        assert slack_errors(body) == []
        assert "AMLI Aero &lt;!channel&gt; &amp;" in body["text"]
        assert "visibility fell" in json.dumps(body)
    else:
        assert teams_errors(body) == []
        card = body["attachments"][0]["content"]
        assert card["actions"][0]["url"].startswith("https://audit.example.com/app/audits/")


async def test_an_internal_receiver_is_refused_for_good(sessions: Sessions) -> None:
    receiver, err = await _send(sessions, "slack", EgressPolicy())  # no allow-list
    assert isinstance(err, ApplicationError)
    assert err.type == "WebhookRefused" and err.non_retryable
    assert receiver.bodies == []
