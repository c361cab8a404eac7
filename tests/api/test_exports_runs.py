"""`GET /properties/{id}/runs?format=csv`: every run, streamed, parsed back equal to the JSON
(and to each run's detail for the columns only the detail shows); the surface filter applies;
another organisation's property is a 404."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.conftest import Api
from tests.factories import AuditSpec, Sessions, block, new_audit, new_property
from tests.security.conftest import SecuredApi, secured

__all__ = ["secured"]
QUESTIONS = [f"Question {i}" for i in range(3)]
T0 = datetime(2026, 11, 1, tzinfo=UTC)
DIFF = ("score_change", "visibility_change", "direction", "previous_run_id")


def audit(present: int, day: int, **kw: Any) -> AuditSpec:
    hit, miss = block(["AMLI Aero", "Vista Park"], cites=["amli.com"]), block(["Vista Park"])
    answers = {q: (hit if i < present else miss) for i, q in enumerate(QUESTIONS)}
    return AuditSpec(
        answers={"openai": answers, "claude": answers},
        created_at=T0 + timedelta(days=day),
        **kw,
    )


async def history(sessions: Sessions) -> uuid.UUID:
    """Three audits of two surfaces; in the last one claude failed."""
    pid = await new_property(sessions, QUESTIONS)
    await new_audit(sessions, pid, audit(3, 0))
    await new_audit(sessions, pid, audit(1, 7))
    await new_audit(sessions, pid, audit(2, 14, status="partial", run_status={"claude": "failed"}))
    return pid


def parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def number(cell: str) -> float | None:
    return float(cell) if cell else None


def same(cell: str, value: Any) -> bool:
    """A CSV cell and the JSON's value: numbers to the CSV's four decimals, times as times."""
    if value is None:
        return cell == ""
    if isinstance(value, bool):
        return cell == str(value).lower()
    if isinstance(value, int | float):
        return number(cell) == round(value, 4)
    if isinstance(value, str) and "T" in value and value[:4].isdigit():
        return datetime.fromisoformat(cell) == datetime.fromisoformat(value)
    return cell == str(value)


def test_the_csv_is_the_json_flattened(api: Api) -> None:
    pid = api.seed(history)
    runs = api.client.get(f"/properties/{pid}/runs", params={"limit": 200}).json()
    answer = api.client.get(f"/properties/{pid}/runs", params={"format": "csv", "limit": 1})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == f'attachment; filename="runs-{pid}.csv"'
    rows = parsed(answer.text)
    assert len(rows) == len(runs) == 6  # every run: limit pages the JSON, not the export
    for row, run in zip(rows, runs, strict=True):
        diff = run.pop("diff") or {}
        flat = {**run, **{k: diff.get(k) for k in DIFF}}
        for key, value in flat.items():
            assert same(row[key], value), (key, row[key], value)
        detail = api.client.get(f"/runs/{run['run_id']}").json()
        score = detail["score"] or {}
        assert same(row["finished_at"], detail["finished_at"])
        for column in ("avg_llm_rank", "avg_link_rank", "avg_sov"):
            assert same(row[column], score.get(column)), column
        assert int(row["answers"]) == (score.get("answered") or 0)
        assert int(row["errors"]) == (score.get("errors") or 0)
    assert {r["direction"] for r in rows} >= {"up", "down"}
    assert [r["status"] for r in rows if r["surface"] == "claude"][0] == "failed"


def test_the_surface_filter_applies_to_the_csv(api: Api) -> None:
    pid = api.seed(history)
    answer = api.client.get(f"/properties/{pid}/runs?format=csv&surface=claude")
    rows = parsed(answer.text)
    assert len(rows) == 3 and {r["surface"] for r in rows} == {"claude"}


def test_a_property_with_no_runs_has_a_header_only(api: Api) -> None:
    pid = api.client.post("/properties", json={"name": "Empty Lofts"}).json()["id"]
    answer = api.client.get(f"/properties/{pid}/runs?format=csv")
    assert answer.status_code == 200
    assert answer.text.strip().split(",")[:3] == ["run_id", "audit_id", "surface"]
    assert parsed(answer.text) == []


def test_another_organisation_s_runs_are_not_found(secured: SecuredApi) -> None:
    admin, c = secured.as_admin(), secured.client
    a = c.post("/orgs", json={"name": "A"}, headers=admin).json()
    b = c.post("/orgs", json={"name": "B"}, headers=admin).json()
    pid = c.post(
        "/properties", json={"name": "Alpha Lofts"}, headers={"X-API-Key": a["api_key"]}
    ).json()["id"]
    for fmt in ("csv", "json"):
        answer = c.get(f"/properties/{pid}/runs?format={fmt}", headers={"X-API-Key": b["api_key"]})
        assert answer.status_code == 404 and answer.headers["content-type"] == "application/json"
    mine = c.get(f"/properties/{pid}/runs?format=csv", headers={"X-API-Key": a["api_key"]})
    assert mine.status_code == 200


def test_a_bad_format_is_refused(api: Api) -> None:
    pid = api.client.post("/properties", json={"name": "Empty Lofts"}).json()["id"]
    assert api.client.get(f"/properties/{pid}/runs?format=xlsx").status_code == 422
