"""The API's contract against the running stack: status codes, validation, idempotency."""

from __future__ import annotations

import uuid

import pytest

from tests.integration.conftest import Live

pytestmark = pytest.mark.slow


def test_health(live: Live) -> None:
    assert live.api.get("/healthz").json() == {"status": "ok"}
    ready = live.api.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {
        "database": "ok",
        "temporal": "ok",
    }


def test_property_crud_and_validation(live: Live) -> None:
    created = live.api.post(
        "/properties", json={"name": "Solana Row", "website_url": "https://www.solanarow.com/x"}
    )
    assert created.status_code == 201
    prop = created.json()
    assert prop["brand_domains"] == ["solanarow.com"]  # inferred from the website
    pid = prop["id"]
    patched = live.api.patch(
        f"/properties/{pid}", json={"amenities": ["Pool", "Gym"], "address": {"city": "Austin"}}
    )
    assert patched.status_code == 200
    assert patched.json()["amenities"] == ["Pool", "Gym"]
    assert patched.json()["address"]["city"] == "Austin"
    assert live.api.get(f"/properties/{pid}").json()["name"] == "Solana Row"

    for body, fragment in [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x", "website_url": "ftp://x.com"}, "website_url"),
        ({"name": "x", "surprise": 1}, "surprise"),
        ({"name": "x" * 201}, "name"),
        ({"name": "x", "amenities": ["a"] * 51}, "amenities"),
    ]:
        bad = live.api.post("/properties", json=body)
        assert bad.status_code == 422, body
        assert fragment in bad.text
    malformed = live.api.post(
        "/properties", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 422
    assert live.api.get("/properties/not-a-uuid").status_code == 422
    missing = live.api.get(f"/properties/{uuid.uuid4()}")
    assert missing.status_code == 404 and "not found" in missing.json()["detail"]
    assert live.api.delete(f"/properties/{pid}").status_code == 204
    assert live.api.get(f"/properties/{pid}").status_code == 404


def test_panel_generation_is_idempotent_and_queries_are_editable(live: Live) -> None:
    prop = live.new_property(name="Meridian Flats")
    first = prop["panel"]
    assert 12 <= first["generated"] == first["total"] <= 28
    again = live.api.post(f"/properties/{prop['id']}/queries/generate").json()
    assert (again["generated"], again["already_present"], again["total"]) == (
        0,
        first["total"],
        first["total"],
    )

    added = live.api.post(
        f"/properties/{prop['id']}/queries",
        json={"text": "Quiet apartments near Balboa Park", "type": "faq"},
    )
    assert added.status_code == 201
    dup = live.api.post(
        f"/properties/{prop['id']}/queries", json={"text": "quiet  apartments near balboa park"}
    )
    assert dup.status_code == 409
    bad_type = live.api.post(f"/properties/{prop['id']}/queries", json={"text": "abc", "type": "x"})
    assert bad_type.status_code == 422
    qid = added.json()["id"]
    edited = live.api.patch(f"/queries/{qid}", json={"weight": 2.5, "is_active": False})
    assert edited.json()["weight"] == 2.5 and edited.json()["is_active"] is False
    listed = live.api.get(f"/properties/{prop['id']}/queries", params={"active_only": True}).json()
    assert qid not in {q["id"] for q in listed["queries"]}
    assert live.api.delete(f"/queries/{qid}").status_code == 204
    assert live.api.delete(f"/queries/{qid}").status_code == 404


def test_audit_start_errors(live: Live) -> None:
    missing = live.api.post("/audits", json={"property_id": str(uuid.uuid4())})
    assert missing.status_code == 404
    empty = live.api.post("/properties", json={"name": "No Panel Place"}).json()
    no_queries = live.api.post("/audits", json={"property_id": empty["id"]})
    assert no_queries.status_code == 409 and "generate" in no_queries.json()["detail"]
    prop = live.new_property(name="Linden Landing")
    unknown = live.api.post("/audits", json={"property_id": prop["id"], "surfaces": ["bing"]})
    assert unknown.status_code == 422 and "bing" in unknown.json()["detail"]
    samples = live.api.post("/audits", json={"property_id": prop["id"], "samples_per_query": 9})
    assert samples.status_code == 422
    assert live.api.get(f"/audits/{uuid.uuid4()}").status_code == 404
    assert live.api.get(f"/runs/{uuid.uuid4()}").status_code == 404


def test_idempotency_key_returns_the_same_audit(live: Live) -> None:
    prop = live.new_property(name="Sterling Point")
    key = {"Idempotency-Key": f"k-{uuid.uuid4()}"}
    one = live.api.post(
        "/audits", json={"property_id": prop["id"], "surfaces": ["openai"]}, headers=key
    )
    two = live.api.post(
        "/audits", json={"property_id": prop["id"], "surfaces": ["openai"]}, headers=key
    )
    assert one.status_code == two.status_code == 202
    assert one.json()["audit_id"] == two.json()["audit_id"]
    other = live.api.post(
        "/audits",
        json={"property_id": prop["id"], "surfaces": ["openai"]},
        headers={"Idempotency-Key": f"k-{uuid.uuid4()}"},
    )
    assert other.json()["audit_id"] != one.json()["audit_id"]
    listed = live.api.get("/audits", params={"property_id": prop["id"]}).json()
    assert len(listed) == 2
    for audit_id in (one.json()["audit_id"], other.json()["audit_id"]):
        assert live.wait_audit(audit_id)["status"] == "completed"
    closed = live.api.post(f"/audits/{one.json()['audit_id']}/pause")
    assert closed.status_code == 409 and "completed" in closed.json()["detail"]


def test_concurrent_retries_with_one_idempotency_key_make_one_audit(live: Live) -> None:
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    prop = live.new_property(name="Retry Storm Square")
    key = {"Idempotency-Key": f"storm-{uuid.uuid4()}"}

    def post(_: int) -> str:
        with httpx.Client(base_url=live.stack.api_url, timeout=30) as client:
            response = client.post(
                "/audits", json={"property_id": prop["id"], "surfaces": ["openai"]}, headers=key
            )
            assert response.status_code == 202, response.text
            return str(response.json()["audit_id"])

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(post, range(8)))
    assert len(ids) == 1
    assert len(live.api.get("/audits", params={"property_id": prop["id"]}).json()) == 1
    assert live.wait_audit(ids.pop())["status"] == "completed"
