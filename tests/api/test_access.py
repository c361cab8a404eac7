"""With PROPERTYAUDIT_API_KEY set, every endpoint but the health checks needs X-API-Key."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import KEY


def test_health_is_open(client: TestClient) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503  # no Temporal here: not ready, still open


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/properties"),
        ("POST", "/properties"),
        ("GET", "/audits"),
        ("GET", "/audits/00000000-0000-0000-0000-000000000000/insights"),
        ("GET", "/runs/00000000-0000-0000-0000-000000000000"),
        ("PATCH", "/queries/00000000-0000-0000-0000-000000000000"),
        ("PUT", "/properties/00000000-0000-0000-0000-000000000000/schedule"),
    ],
)
def test_every_other_endpoint_needs_the_key(client: TestClient, method: str, path: str) -> None:
    missing = client.request(method, path)
    assert missing.status_code == 401 and "X-API-Key" in missing.json()["detail"]
    wrong = client.request(method, path, headers={"X-API-Key": "nope"})
    assert wrong.status_code == 403


def test_the_right_key_opens_the_api(client: TestClient) -> None:
    headers = {"X-API-Key": KEY}
    created = client.post("/properties", json={"name": "Keyed Place"}, headers=headers)
    assert created.status_code == 201
    assert client.get("/properties", headers=headers).json()[0]["name"] == "Keyed Place"
    # The schema and the docs follow the key too: what the API offers is no one else's business.
    assert client.get("/openapi.json").status_code == 401
    assert client.get("/docs").status_code == 401
    assert client.get("/openapi.json", headers=headers).json()["info"]["title"] == "PropertyAudit"
    assert "swagger" in client.get("/docs", headers=headers).text.lower()
