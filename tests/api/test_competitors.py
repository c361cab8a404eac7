"""GET /properties/{id}/competitors and /source-gaps: each competitor's figures per audit and
surface over three audits, the change, who overtook the property, the gap pages; the CSV of each
parsed back equal to the JSON; another organisation's property is a 404."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import KEY, Api
from tests.db.rival_audits import three_audits

# (mentions, answers, visibility, avg_rank, sov) per audit, oldest first: see tests/db/rival_audits.
EXPECTED: dict[tuple[str, str], list[Any]] = {
    ("AMLI Aero", "openai"): [(3, 4, 75.0, 1.33, 0.5)] * 2 + [(2, 4, 50.0, 1.5, 0.1667)],
    ("AMLI Aero", "claude"): [(3, 4, 75.0, 1.0, 0.5)] * 3,
    ("Vista Park", "openai"): [
        (2, 4, 50.0, 1.5, 0.3333),
        (3, 4, 75.0, 1.67, 0.3333),
        (4, 4, 100.0, 1.75, 0.3333),
    ],
    ("Vista Park", "claude"): [(3, 4, 75.0, 1.67, 0.5)] * 3,
    ("Modera", "openai"): [(2, 4, 50.0, 1.5, 0.0)] * 2 + [(2, 4, 50.0, 1.0, 0.0)],
    ("Modera", "claude"): [(0, 4, 0.0, None, 0.0)] * 3,
}
FIGURES = ("mentions", "answers", "visibility", "avg_rank", "sov")


def seeded(api: Api) -> tuple[uuid.UUID, list[uuid.UUID]]:
    made: tuple[uuid.UUID, list[uuid.UUID]] = api.seed(three_audits)
    return made


def rows_of(trend: dict[str, Any]) -> dict[tuple[str, str], list[tuple[object, ...]]]:
    return {
        (trend["name"], s): [tuple(p[f] for f in FIGURES) for p in data["series"]]
        for s, data in trend["surfaces"].items()
    }


def test_competitor_trends_over_three_audits(api: Api) -> None:
    prop, ids = seeded(api)
    body = api.client.get(f"/properties/{prop}/competitors").json()
    assert [a["audit_id"] for a in body["audits"]] == [str(i) for i in ids]
    assert body["surfaces"] == ["claude", "openai"] and body["scoring_version"] == 2
    assert body["property"]["is_property"] and body["property"]["overtakes"] == []
    assert [c["name"] for c in body["competitors"]] == ["Vista Park", "Modera"]
    assert all(c["listed"] and not c["aggregator"] for c in body["competitors"])
    got = {**rows_of(body["property"])}
    for trend in body["competitors"]:
        got.update(rows_of(trend))
    assert got == EXPECTED

    vista, modera = body["competitors"]
    assert vista["overtakes"] == ["openai"] and modera["overtakes"] == ["openai"]
    openai = vista["surfaces"]["openai"]
    assert openai["change"] == {"mentions": 1, "visibility": 25.0, "avg_rank": 0.08, "sov": 0.0}
    assert openai["ahead"] and not vista["surfaces"]["claude"]["ahead"]
    assert modera["surfaces"]["claude"]["change"]["avg_rank"] is None
    last = openai["series"][-1]
    assert last["answers_url"] == (
        f"/answers?audit_id={ids[2]}&surface=openai&mentions=Vista%20Park"
    )
    assert last["workflow_url"].endswith(f"/workflows/audit-{ids[2]}-openai")
    assert body["audits"][0]["workflow_url"].endswith(f"/workflows/audit-{ids[0]}")

    only = api.client.get(
        f"/properties/{prop}/competitors", params={"surface": "claude", "limit_audits": 2}
    ).json()
    assert only["surfaces"] == ["claude"] and len(only["audits"]) == 2
    assert only["competitors"][0]["overtakes"] == []


def parsed(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def number(text: str) -> float | None:
    return float(text) if text else None


def test_the_competitors_csv_parses_back_to_the_json(api: Api) -> None:
    prop, ids = seeded(api)
    body = api.client.get(f"/properties/{prop}/competitors").json()
    rows = parsed(api.client.get(f"/properties/{prop}/competitors", params={"format": "csv"}))
    assert len(rows) == 3 * 2 * 3  # audits × surfaces × (the property and two competitors)
    assert [r["audit_id"] for r in rows[::6]] == [str(i) for i in ids]
    assert [(r["surface"], r["competitor"]) for r in rows[:3]] == [
        ("claude", "AMLI Aero"),
        ("claude", "Vista Park"),
        ("claude", "Modera"),
    ]
    trends = {t["name"]: t for t in [body["property"], *body["competitors"]]}
    for row in rows:
        trend = trends[row["competitor"]]
        point = next(
            p
            for p in trend["surfaces"][row["surface"]]["series"]
            if p["audit_id"] == row["audit_id"]
        )
        assert datetime.fromisoformat(row["created_at"]) == datetime.fromisoformat(
            point["created_at"].replace("Z", "+00:00")
        )
        assert int(row["mentions"]) == point["mentions"] and int(row["answers"]) == point["answers"]
        for figure in ("visibility", "avg_rank", "sov"):
            assert number(row[figure]) == point[figure], (row, figure)
        assert row["answers_url"] == point["answers_url"]
        assert row["workflow_url"] == point["workflow_url"]
        assert row["domain"] == trend["domain"]
        assert row["is_property"] == ("true" if trend["is_property"] else "false")
        assert row["listed"] == ("true" if trend["listed"] else "false")


def test_source_gaps_and_their_csv(api: Api) -> None:
    prop, ids = seeded(api)
    body = api.client.get(f"/properties/{prop}/source-gaps").json()
    assert body["audits"] == 3 and body["competitors"] == ["Vista Park", "Modera"]
    # Vista Park's page and yelp are cited beside the property too: only reddit is a gap.
    (page,) = body["pages"]
    assert page["url"] == "https://www.reddit.com/page" and page["domain"] == "reddit.com"
    assert page["competitors"] == [
        {"name": "Modera", "citations": 1},
        {"name": "Vista Park", "citations": 1},
    ]
    assert (page["questions"], page["surfaces"], page["citations"]) == (1, ["openai"], 1)
    assert page["first_seen"] == page["last_seen"] and not page["rival_site"]
    assert page["answers_url"] == (
        f"/answers?property_id={prop}&cites=https%3A%2F%2Fwww.reddit.com%2Fpage"
    )
    (row,) = parsed(api.client.get(f"/properties/{prop}/source-gaps", params={"format": "csv"}))
    assert row["url"] == page["url"] and row["top_competitor"] == "Modera"
    assert row["competitors"] == "Modera (1); Vista Park (1)"
    assert int(row["question_surfaces"]) == page["question_surfaces"]
    assert row["answers_url"] == page["answers_url"] and row["rival_site"] == "false"


def test_bad_parameters_are_a_422(api: Api) -> None:
    prop, _ = seeded(api)
    for path, params in (
        ("competitors", {"limit_audits": 0}),
        ("competitors", {"limit_audits": 53}),
        ("competitors", {"surface": "x" * 41}),
        ("competitors", {"format": "xml"}),
        ("source-gaps", {"limit": 0}),
    ):
        answer = api.client.get(f"/properties/{prop}/{path}", params=params)
        assert answer.status_code == 422, (path, params)
    assert api.client.get(f"/properties/{uuid.uuid4()}/competitors").status_code == 404
    assert api.client.get("/properties/not-an-id/source-gaps").status_code == 422


def test_another_organisations_property_is_a_404(client: TestClient) -> None:
    admin = {"X-API-Key": KEY}
    a = client.post("/orgs", json={"name": "A"}, headers=admin).json()
    b = client.post("/orgs", json={"name": "B"}, headers=admin).json()
    ha, hb = {"X-API-Key": a["api_key"]}, {"X-API-Key": b["api_key"]}
    prop = client.post("/properties", json={"name": "Alpha Lofts"}, headers=ha).json()["id"]
    for path in ("competitors", "competitors?format=csv", "source-gaps", "source-gaps?format=csv"):
        assert client.get(f"/properties/{prop}/{path}", headers=hb).status_code == 404
        assert client.get(f"/properties/{prop}/{path}", headers=ha).status_code == 200
    empty = client.get(f"/properties/{prop}/competitors", headers=ha).json()
    assert empty["audits"] == [] and empty["competitors"] == [] and empty["surfaces"] == []
