"""An alert fires when one of the profile's competitors overtakes the property on a surface, and
its payload says who, where and by how much (`overtaken`)."""

from __future__ import annotations

from temporalio.testing import ActivityEnvironment

from activities.insights import InsightsActivities
from contracts.audit import AuditRef
from tests.db.overtaken_audits import OVERTAKEN
from tests.db.rival_audits import three_audits
from tests.factories import Sessions

HOOK = "https://hooks.example.com/geo"


async def test_a_competitor_overtaking_the_property_sends_an_alert(sessions: Sessions) -> None:
    # Drops never alert here: only the overtaking can.
    _, ids = await three_audits(
        sessions, alert_webhook_url=HOOK, alert_score_drop=90.0, alert_visibility_drop=90.0
    )
    check = InsightsActivities(sessions).check_alerts
    quiet = await ActivityEnvironment().run(check, AuditRef(audit_id=str(ids[1])))
    assert not quiet.send

    decision = await ActivityEnvironment().run(check, AuditRef(audit_id=str(ids[2])))
    assert decision.send and decision.url == HOOK
    assert decision.payload["reasons"] == [
        "Vista Park overtook AMLI Aero on openai (visibility 100.0% vs 50.0%)",
        "Modera overtook AMLI Aero on openai (visibility 50.0% vs 50.0%)",
    ]
    assert decision.payload["overtaken"] == OVERTAKEN


async def test_places_the_profile_does_not_list_never_alert(sessions: Sessions) -> None:
    _, ids = await three_audits(
        sessions,
        competitors=[],
        alert_webhook_url=HOOK,
        alert_score_drop=90.0,
        alert_visibility_drop=90.0,
    )
    decision = await ActivityEnvironment().run(
        InsightsActivities(sessions).check_alerts, AuditRef(audit_id=str(ids[2]))
    )
    assert not decision.send
