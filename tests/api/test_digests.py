"""The digest endpoints' answers that need no Temporal behind them: another organisation's
property is a 404, a property without a webhook a 409, a bad weekday, hour or time zone a 422,
and Temporal out of reach a 503. (The schedule against a real server: tests/workflows.)"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api
from tests.security.conftest import SecuredApi, secured

__all__ = ["secured"]
ROUTES = [
    ("PUT", "/digest", {"weekday": "monday", "hour": 8, "timezone": "Europe/Madrid"}),
    ("GET", "/digest", None),
    ("DELETE", "/digest", None),
    ("POST", "/digest/send", None),
]


def org_property(secured: SecuredApi, name: str, **fields: Any) -> tuple[str, dict[str, str]]:
    org = secured.client.post("/orgs", json={"name": name}, headers=secured.as_admin()).json()
    key = {"X-API-Key": org["api_key"]}
    made = secured.client.post("/properties", json={"name": f"{name} Lofts", **fields}, headers=key)
    assert made.status_code == 201, made.text
    return made.json()["id"], key


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_another_organisation_s_property_is_not_found(
    secured: SecuredApi, method: str, path: str, body: dict[str, Any] | None
) -> None:
    pid, _ = org_property(secured, "A", alert_webhook_url="https://hooks.slack.com/services/T/B/X")
    _, other = org_property(secured, "B")
    answer = secured.client.request(method, f"/properties/{pid}{path}", json=body, headers=other)
    assert answer.status_code == 404 and pid in answer.json()["detail"]
    assert secured.temporal.calls == []


@pytest.mark.parametrize(("method", "path", "body"), [ROUTES[0], ROUTES[3]])
def test_no_webhook_is_a_conflict(
    secured: SecuredApi, method: str, path: str, body: dict[str, Any] | None
) -> None:
    pid, key = org_property(secured, "A")
    answer = secured.client.request(method, f"/properties/{pid}{path}", json=body, headers=key)
    assert answer.status_code == 409 and "alert_webhook_url" in answer.json()["detail"]
    assert secured.temporal.calls == []


@pytest.mark.parametrize(
    "body",
    [
        {"weekday": "someday"},
        {"hour": 24},
        {"minute": -1},
        {"timezone": "Mars/Olympus_Mons"},
        {"timezone": "../../etc/passwd"},
        {"weekday": "monday", "cron": "* * * * *"},
    ],
)
def test_a_bad_schedule_is_refused(secured: SecuredApi, body: dict[str, Any]) -> None:
    pid, key = org_property(secured, "A", alert_webhook_url="https://hooks.slack.com/services/T/B")
    answer = secured.client.put(f"/properties/{pid}/digest", json=body, headers=key)
    assert answer.status_code == 422, answer.text
    assert secured.temporal.calls == []


def test_temporal_out_of_reach_is_a_503(api: Api) -> None:
    made = api.client.post(
        "/properties",
        json={"name": "AMLI Aero", "alert_webhook_url": "https://hooks.slack.com/services/T/B"},
    )
    pid = made.json()["id"]
    for method, path, body in ROUTES:
        answer = api.client.request(method, f"/properties/{pid}{path}", json=body)
        assert answer.status_code == 503, (method, path, answer.text)
