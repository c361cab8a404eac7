"""Bounded spending and volume: body size, panel size, budgets, paid starts per key, paging;
and what happens when Temporal cannot be reached."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.security.conftest import SecuredApi, make_api

PROFILE = {
    "name": "Bounded Bay",
    "address": {"city": "San Diego", "state": "CA", "neighborhood": "Kearny Mesa"},
    "website_url": "https://www.boundedbay.com/",
    "amenities": ["Pool", "Gym", "Dog park"],
}


def new_property(api: SecuredApi, **extra: object) -> str:
    h = api.as_admin()
    made = api.client.post("/properties", json={**PROFILE, **extra}, headers=h)
    assert made.status_code == 201, made.text
    pid = str(made.json()["id"])
    assert api.client.post(f"/properties/{pid}/queries/generate", headers=h).status_code == 201
    return pid


def test_a_body_over_the_limit_is_refused_before_it_is_read(secured: SecuredApi) -> None:
    big = {**PROFILE, "target_audience": "x" * 10, "pad": "y" * 1_100_000}
    declared = secured.client.post("/properties", json=big, headers=secured.as_admin())
    assert declared.status_code == 413 and "MAX_REQUEST_BYTES" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
        for _ in range(20):
            yield b"x" * 100_000

    streamed = secured.client.post(
        "/properties",
        content=chunks(),
        headers={**secured.as_admin(), "content-type": "application/json"},
    )
    assert streamed.status_code == 413


def test_nul_or_broken_text_in_a_query_string_is_a_422(secured: SecuredApi) -> None:
    h = secured.as_admin()
    for query in ("limit=5&x=%00", "property_id=a%00b", "x=%ff%fe"):
        bad = secured.client.get(f"/audits?{query}", headers=h)
        assert bad.status_code == 422, query


def test_a_panel_holds_no_more_than_its_cap(tmp_path: Path) -> None:
    for api in make_api(tmp_path, max_panel_size=15):
        h = api.as_admin()
        made = api.client.post("/properties", json=PROFILE, headers=h).json()
        generated = api.client.post(f"/properties/{made['id']}/queries/generate", headers=h)
        assert generated.status_code == 422 and "MAX_PANEL_SIZE" in generated.json()["detail"]
        small = api.client.post(
            "/properties", json={"name": "Tiny", "address": {"city": "Austin"}}, headers=h
        ).json()
        assert (
            api.client.post(f"/properties/{small['id']}/queries/generate", headers=h).json()[
                "total"
            ]
            <= 15
        )
        for i in range(20):
            added = api.client.post(
                f"/properties/{small['id']}/queries", json={"text": f"question {i}"}, headers=h
            )
            if added.status_code != 201:
                assert added.status_code == 422 and "MAX_PANEL_SIZE" in added.text
                break
        else:
            raise AssertionError("the cap was never reached")


def test_an_audit_without_a_budget_gets_the_default_and_none_exceeds_the_limit(
    tmp_path: Path,
) -> None:
    for api in make_api(tmp_path, default_max_cost_usd=7.5, max_cost_usd_limit=50):
        pid = new_property(api)
        h = api.as_admin()
        started = api.client.post("/audits", json={"property_id": pid}, headers=h)
        assert started.status_code == 202, started.text
        audit = api.client.get(f"/audits/{started.json()['audit_id']}", headers=h).json()
        assert audit["max_cost_usd"] == 7.5
        workflow_input = api.temporal.started[audit["workflow_id"]]
        assert workflow_input.max_cost_usd == 7.5  # what the workflow enforces
        over = api.client.post("/audits", json={"property_id": pid, "max_cost_usd": 51}, headers=h)
        assert over.status_code == 422 and "MAX_COST_USD_LIMIT" in over.json()["detail"]
        mine = api.client.post("/audits", json={"property_id": pid, "max_cost_usd": 3}, headers=h)
        assert (
            api.client.get(f"/audits/{mine.json()['audit_id']}", headers=h).json()["max_cost_usd"]
            == 3
        )


def test_paid_starts_are_rate_limited_per_key_with_retry_after(tmp_path: Path) -> None:
    for api in make_api(tmp_path, rate_limit_paid="3/minute"):
        pid = new_property(api)
        org = api.client.post("/orgs", json={"name": "Other"}, headers=api.as_admin()).json()
        other = {"X-API-Key": org["api_key"]}
        other_pid = api.client.post(
            "/properties", json={**PROFILE, "name": "Other Bay"}, headers=other
        ).json()["id"]
        api.client.post(f"/properties/{other_pid}/queries/generate", headers=other)
        codes = [
            api.client.post(
                "/audits", json={"property_id": pid}, headers=api.as_admin()
            ).status_code
            for _ in range(4)
        ]
        assert codes == [202, 202, 202, 429]
        refused = api.client.post("/audits", json={"property_id": pid}, headers=api.as_admin())
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "limit 3/minute" in refused.json()["detail"]
        # Another key has an allowance of its own.
        assert (
            api.client.post("/audits", json={"property_id": other_pid}, headers=other).status_code
            == 202
        )


def test_lists_page_and_say_their_total(secured: SecuredApi) -> None:
    h = secured.as_admin()
    for i in range(5):
        secured.client.post("/properties", json={"name": f"Paged {i}"}, headers=h)
    page = secured.client.get("/properties", params={"limit": 2, "offset": 1}, headers=h)
    assert len(page.json()) == 2 and page.headers["X-Total-Count"] == "5"
    assert secured.client.get("/audits", headers=h).headers["X-Total-Count"] == "0"


def test_temporal_unreachable_is_a_503_and_leaves_no_audit_behind(secured: SecuredApi) -> None:
    pid = new_property(secured)
    h = secured.as_admin()
    secured.temporal.down = True
    refused = secured.client.post("/audits", json={"property_id": pid}, headers=h)
    assert refused.status_code == 503 and "Temporal is unavailable" in refused.json()["detail"]
    assert refused.headers["Retry-After"]
    assert secured.client.get("/audits", headers=h).json() == []  # nothing left `queued`
    schedule = secured.client.put(
        f"/properties/{pid}/schedule", json={"interval_minutes": 60}, headers=h
    )
    assert schedule.status_code == 503
    assert secured.client.delete(f"/properties/{pid}", headers=h).status_code == 503
    secured.temporal.down = False
    assert secured.client.post("/audits", json={"property_id": pid}, headers=h).status_code == 202


def test_a_never_connected_client_is_a_503_too(tmp_path: Path) -> None:
    """The real lazy client, pointed at a port nothing listens on."""
    for api in make_api(tmp_path):
        api.client.app.state.temporal = api.real_temporal  # type: ignore[attr-defined]
        pid = new_property(api)
        refused = api.client.post("/audits", json={"property_id": pid}, headers=api.as_admin())
        assert refused.status_code == 503
        assert api.client.get("/audits", headers=api.as_admin()).json() == []


def test_a_running_audit_blocks_deleting_its_property_unless_forced(
    secured: SecuredApi,
) -> None:
    pid = new_property(secured)
    h = secured.as_admin()
    audit = secured.client.post("/audits", json={"property_id": pid}, headers=h).json()
    blocked = secured.client.delete(f"/properties/{pid}", headers=h)
    assert blocked.status_code == 409 and audit["audit_id"] in blocked.json()["detail"]
    assert secured.client.get(f"/properties/{pid}", headers=h).status_code == 200
    # force: the audit is cancelled through Temporal (here nothing runs it, so the fake's
    # workflow never closes the row: the force path closes rows whose workflow is gone).
    del secured.temporal.started[audit["workflow_id"]]
    forced = secured.client.delete(f"/properties/{pid}", params={"force": "true"}, headers=h)
    assert forced.status_code == 204, forced.text
    assert ("cancel", audit["workflow_id"], ()) in secured.temporal.calls
    assert secured.client.get(f"/properties/{pid}", headers=h).status_code == 404
    assert secured.client.get(f"/audits/{audit['audit_id']}", headers=h).status_code == 404


def test_nothing_reaches_a_webhook_url_that_is_obviously_internal(secured: SecuredApi) -> None:
    h = secured.as_admin()
    for url in ("http://127.0.0.1:9/x", "http://169.254.169.254/latest", "http://[::1]/x"):
        refused = secured.client.post(
            "/properties", json={"name": "Hooked", "alert_webhook_url": url}, headers=h
        )
        assert refused.status_code == 422, url
        assert "public address" in refused.text
    made = secured.client.post(
        "/properties",
        json={"name": "Hooked", "alert_webhook_url": "https://hooks.example.com/x"},
        headers=h,
    ).json()
    patched = secured.client.patch(
        f"/properties/{made['id']}", json={"alert_webhook_url": "http://0177.0.0.1/"}, headers=h
    )
    assert patched.status_code == 422
    too_long = "https://hooks.example.com/" + "a" * 600
    assert (
        secured.client.post(
            "/properties", json={"name": "Long", "website_url": too_long}, headers=h
        ).status_code
        == 422
    )


def test_production_refuses_to_start_without_a_key(caplog: pytest.LogCaptureFixture) -> None:
    from api.main import MissingApiKey, check_exposure
    from config.settings import Settings

    with pytest.raises(MissingApiKey, match="PROPERTYAUDIT_API_KEY"):
        check_exposure(Settings(propertyaudit_env="production", _env_file=None))  # type: ignore[call-arg]
    with caplog.at_level("WARNING", logger="propertyaudit.api"):
        check_exposure(Settings(_env_file=None))  # type: ignore[call-arg]
    assert "OPEN" in caplog.text
    check_exposure(
        Settings(  # type: ignore[call-arg]
            propertyaudit_env="production", propertyaudit_api_key=SecretStr("k"), _env_file=None
        )
    )
