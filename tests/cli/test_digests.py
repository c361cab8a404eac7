"""`propertyaudit digest …`: the schedule set, shown, sent now and removed through the API's
digest endpoints; the API's refusal is the command's error."""

from __future__ import annotations

import json

import httpx

from tests.cli.conftest import FakeApi

PID = "6f1c0b8e-1d1e-4c55-9b1a-0d8c9a0c7e11"
PATH = f"/properties/{PID}/digest"
SCHEDULE = {
    "schedule_id": f"digest-{PID}",
    "property_id": PID,
    "weekday": "monday",
    "hour": 8,
    "minute": 0,
    "timezone": "Europe/Madrid",
    "paused": False,
    "alert_format": "slack",
    "next_run_times": ["2026-11-30T07:00:00Z", "2026-12-07T07:00:00Z"],
    "last_run": None,
    "recent_runs": [],
    "digests_started": 0,
    "temporal_url": f"http://localhost:8233/namespaces/default/schedules/digest-{PID}",
}


def test_set_sends_the_schedule_and_prints_it(fake_api: FakeApi) -> None:
    fake_api.on("PUT", PATH, SCHEDULE)
    result = fake_api.invoke("digest", "set", PID, "--hour", "8", "--timezone", "Europe/Madrid")
    assert result.exit_code == 0, result.output
    (sent,) = fake_api.sent("PUT", PATH)
    assert json.loads(sent.content) == {
        "weekday": "monday",
        "hour": 8,
        "minute": 0,
        "timezone": "Europe/Madrid",
    }
    assert "every monday at 08:00 Europe/Madrid, as slack" in result.stdout
    assert "next: 2026-11-30T07:00:00Z" in result.stdout


def test_show_send_and_remove(fake_api: FakeApi) -> None:
    fake_api.on("GET", PATH, SCHEDULE)
    started = {
        "property_id": PID,
        "workflow_id": f"digest-{PID}-now",
        "run_id": "r1",
        "alert_format": "slack",
        "temporal_url": "http://localhost:8233/x",
    }
    fake_api.on("POST", f"{PATH}/send", started, status=202)
    fake_api.on_response("DELETE", PATH, httpx.Response(204))
    shown = fake_api.invoke("digest", "show", PID, "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout) == SCHEDULE
    sent = fake_api.invoke("digest", "send", PID)
    assert sent.exit_code == 0 and f"digest-{PID}-now" in sent.stdout
    removed = fake_api.invoke("digest", "remove", PID)
    assert removed.exit_code == 0 and len(fake_api.sent("DELETE", PATH)) == 1


def test_the_api_s_refusal_is_the_command_s_error(fake_api: FakeApi) -> None:
    fake_api.on("PUT", PATH, {"detail": "this property has no alert_webhook_url"}, status=409)
    result = fake_api.invoke("digest", "set", PID)
    assert result.exit_code == 1 and "no alert_webhook_url" in result.stderr


def test_a_bad_hour_is_a_usage_error(fake_api: FakeApi) -> None:
    result = fake_api.invoke("digest", "set", PID, "--hour", "24")
    assert result.exit_code == 2 and fake_api.requests == []
