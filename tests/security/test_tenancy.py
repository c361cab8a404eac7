"""Tenant isolation across every endpoint: each id of one organisation, tried with the other's
key, is a 404 (exactly like an id that does not exist); lists never show it; admin-only
endpoints are 403 to an organisation. The routes are read off the app, so a new endpoint is
covered the day it is added."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.security.conftest import SecuredApi

# Bodies valid enough to get past validation, so that what answers is the ownership check.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PATCH", "/properties/{property_id}"): {"name": "Taken Over"},
    ("POST", "/properties/{property_id}/queries"): {"text": "a question of mine"},
    ("PATCH", "/properties/{property_id}/queries"): {"is_active": False},
    ("PUT", "/properties/{property_id}/schedule"): {"interval_minutes": 60},
    ("POST", "/properties/{property_id}/runs/purge"): {},
    ("PATCH", "/queries/{query_id}"): {"text": "rewritten question"},
}
ADMIN_ONLY = {("POST", "/orgs"), ("POST", "/rescore"), ("GET", "/metrics")}
OPEN = {"/healthz", "/readyz"}


@pytest.fixture
def world(secured: SecuredApi) -> dict[str, Any]:
    """Organisation A with a property, its panel, an audit, a run and a key; organisation B."""
    c, admin = secured.client, secured.as_admin()
    a = c.post("/orgs", json={"name": "A"}, headers=admin).json()
    b = c.post("/orgs", json={"name": "B"}, headers=admin).json()
    ha, hb = {"X-API-Key": a["api_key"]}, {"X-API-Key": b["api_key"]}
    prop = c.post(
        "/properties", json={"name": "Alpha Lofts", "address": {"city": "Austin"}}, headers=ha
    ).json()
    panel = c.post(f"/properties/{prop['id']}/queries/generate", headers=ha).json()
    audit = c.post("/audits", json={"property_id": prop["id"]}, headers=ha).json()
    ids = {
        "property_id": prop["id"],
        "audit_id": audit["audit_id"],
        "run_id": audit["runs"][0]["run_id"],
        "query_id": panel["queries"][0]["id"],
        "org_id": a["org_id"],
        "key_id": a["key_id"],
        "workflow_id": f"rescore-audit-{audit['audit_id']}-v2",
    }
    return {"ids": ids, "a": ha, "b": hb, "b_org": b["org_id"]}


def routes(secured: SecuredApi) -> list[tuple[str, str]]:
    """Every documented route (the OpenAPI document is the app's own list of them)."""
    paths = secured.client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        if path not in OPEN
        for method in operations
    ]


def test_every_id_of_one_organisation_is_a_404_to_the_other(
    secured: SecuredApi, world: dict[str, Any]
) -> None:
    tried = []
    for method, path in routes(secured):
        params = re.findall(r"\{(\w+)\}", path)
        if not params:
            continue
        url = path.format(**world["ids"])
        body = BODIES.get((method, path))
        answer = secured.client.request(method, url, json=body, headers=world["b"])
        assert answer.status_code == 404, (method, path, answer.status_code, answer.text)
        assert "not found" in answer.json()["detail"] or "no " in answer.json()["detail"]
        tried.append((method, path))
    assert len(tried) >= 30, tried  # the API's every id-taking endpoint


def test_the_owner_still_reaches_every_one_of_them(
    secured: SecuredApi, world: dict[str, Any]
) -> None:
    """The same requests with the owner's key get past the ownership check."""
    for method, path in routes(secured):
        # Deleting is tried last by the other tests; re-scoring, schedules and digests need a
        # real Temporal server (tests/integration, tests/workflows/test_digest.py).
        if not re.search(r"\{(\w+)\}", path) or method == "DELETE":
            continue
        if "rescore" in path or "schedule" in path or "digest" in path:
            continue
        url = path.format(**world["ids"])
        answer = secured.client.request(
            method, url, json=BODIES.get((method, path)), headers=world["a"]
        )
        assert answer.status_code in (200, 201, 202, 409), (method, path, answer.text)


def test_lists_show_only_the_callers_own(secured: SecuredApi, world: dict[str, Any]) -> None:
    c = secured.client
    assert c.get("/properties", headers=world["b"]).json() == []
    assert c.get("/audits", headers=world["b"]).json() == []
    assert c.get("/audits", headers=world["b"]).headers["X-Total-Count"] == "0"
    assert [o["org_id"] for o in c.get("/orgs", headers=world["b"]).json()] == [world["b_org"]]
    assert len(c.get("/properties", headers=world["a"]).json()) == 1
    assert len(c.get("/properties", headers=secured.as_admin()).json()) == 1  # admin sees all
    filtered = c.get(
        "/audits", params={"property_id": world["ids"]["property_id"]}, headers=world["b"]
    )
    assert filtered.json() == []


def test_admin_only_endpoints_refuse_an_organisation(
    secured: SecuredApi, world: dict[str, Any]
) -> None:
    for method, path in ADMIN_ONLY:
        answer = secured.client.request(method, path, json={"name": "x"}, headers=world["b"])
        assert answer.status_code == 403, (method, path, answer.status_code)
    placed = secured.client.post(
        "/properties",
        json={"name": "Elsewhere", "org_id": world["ids"]["org_id"]},
        headers=world["b"],
    )
    assert placed.status_code == 403


def test_a_revoked_key_is_refused_and_rotation_works(
    secured: SecuredApi, world: dict[str, Any]
) -> None:
    c, org = secured.client, world["ids"]["org_id"]
    fresh = c.post(f"/orgs/{org}/keys", headers=world["a"])
    assert fresh.status_code == 201
    new = {"X-API-Key": fresh.json()["api_key"]}
    assert c.delete(f"/orgs/{org}/keys/{world['ids']['key_id']}", headers=new).status_code == 204
    assert c.get("/properties", headers=world["a"]).status_code == 403
    assert len(c.get("/properties", headers=new).json()) == 1
    keys = c.get(f"/orgs/{org}/keys", headers=new).json()
    assert [k["revoked_at"] is not None for k in keys] == [True, False]
    assert all("api_key" not in k for k in keys)  # never shown again
    assert c.get("/properties", headers={"X-API-Key": "pa_nothing_here"}).status_code == 403
    assert c.get("/properties").status_code == 401
