"""GET /metrics on the API: behind the API key, requests by route template, audits by status."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import KEY
from tests.prom import parse, total

MISSING = "00000000-0000-0000-0000-000000000000"


def test_metrics_need_the_key_as_header_or_bearer(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"X-API-Key": "nope"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": f"Basic {KEY}"}).status_code == 401
    assert client.get("/metrics", headers={"X-API-Key": KEY}).status_code == 200
    by_bearer = client.get("/metrics", headers={"Authorization": f"Bearer {KEY}"})
    assert by_bearer.status_code == 200
    assert by_bearer.headers["content-type"].startswith("text/plain")


def test_metrics_stay_out_of_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json", headers={"X-API-Key": KEY}).json()["paths"]
    assert "/metrics" not in paths


def test_requests_are_counted_by_route_template(client: TestClient) -> None:
    headers = {"X-API-Key": KEY}
    for _ in range(3):
        assert client.get(f"/properties/{MISSING}", headers=headers).status_code == 404
    assert client.get("/properties", headers=headers).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/no/such/path/1").status_code == 404
    assert client.get("/no/such/path/2").status_code == 404

    samples = parse(client.get("/metrics", headers=headers).text)
    name = "propertyaudit_api_requests_total"
    assert total(samples, name, route="/properties/{property_id}", status="404") == 3
    assert total(samples, name, method="GET", route="/properties", status="200") == 1
    assert total(samples, name, route="/healthz", status="200") == 1
    assert total(samples, name, route="(unmatched)", status="404") == 2
    assert total(samples, name, route="/metrics", status="401") == 0  # no stray requests
    assert not [s for s in samples if s.name == name and MISSING in s.labels["route"]]
    duration = "propertyaudit_api_request_duration_seconds_count"
    assert total(samples, duration, route="/properties/{property_id}") == 3
    assert not [s for s in samples if s.name.endswith("_created")]


def test_audits_by_status_read_from_the_database(client: TestClient) -> None:
    samples = parse(client.get("/metrics", headers={"X-API-Key": KEY}).text)
    statuses = {s.labels["status"]: s.value for s in samples if s.name == "propertyaudit_audits"}
    assert statuses == dict.fromkeys(
        ["queued", "running", "paused", "completed", "partial", "failed", "cancelled"], 0
    )
