"""A property's history through the API: purging, deleting, diffs between scoring versions,
domains appearing and vanishing, and recommendations of the audit being looked at."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from db.models import Answer, Audit, Score
from tests.api.conftest import Api
from tests.factories import AuditSpec, Sessions, block, new_audit, new_property

Q1, Q2 = "Best apartments in Kearny Mesa", "Apartments with a pool in Kearny Mesa"
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def spec(names: list[str], cites: list[str], *, at: int = 0, **kw: object) -> AuditSpec:
    answer = block(names, cites)
    return AuditSpec(
        answers={"openai": {Q1: answer, Q2: answer}, "claude": {Q1: answer, Q2: answer}},
        created_at=T0 + timedelta(days=at),
        **kw,  # type: ignore[arg-type]
    )


def seeded(api: Api, *specs: AuditSpec) -> tuple[str, list[str]]:
    async def make(sessions: Sessions) -> tuple[str, list[str]]:
        pid = await new_property(sessions, [Q1, Q2])
        return str(pid), [str(await new_audit(sessions, pid, s)) for s in specs]

    result: tuple[str, list[str]] = api.seed(make)
    return result


def test_purge_spares_every_run_of_an_audit_still_running(api: Api) -> None:
    pid, (old, running) = seeded(
        api,
        spec(["AMLI Aero"], ["amli.com"]),
        spec(["AMLI Aero"], [], at=1, status="running", run_status={"openai": "completed"}),
    )
    purged = api.client.post(f"/properties/{pid}/runs/purge", json={}).json()
    assert (purged["runs_deleted"], purged["audits_deleted"]) == (2, 1)
    assert api.client.get(f"/audits/{old}/insights").status_code == 404
    # The running audit keeps its finished run: its batch still has to complete.
    runs = api.client.get(f"/properties/{pid}/runs").json()
    assert sorted(r["status"] for r in runs) == ["completed", "running"]
    assert {r["audit_id"] for r in runs} == {running}


def test_a_run_or_a_closed_audit_is_deleted_with_everything_under_it(api: Api) -> None:
    pid, (closed, running) = seeded(
        api, spec(["AMLI Aero"], ["amli.com"]), spec(["AMLI Aero"], [], at=1, status="running")
    )
    runs = {r["audit_id"]: r for r in api.client.get(f"/properties/{pid}/runs").json()}
    busy = api.client.delete(f"/runs/{runs[running]['run_id']}")
    assert busy.status_code == 409 and running in busy.json()["detail"]
    assert api.client.delete(f"/audits/{running}").status_code == 409

    first = runs[closed]["run_id"]
    assert api.client.delete(f"/runs/{first}").status_code == 204
    assert api.client.get(f"/runs/{first}").status_code == 404
    assert api.client.get(f"/audits/{closed}").status_code == 200  # its other run remains
    assert api.client.delete(f"/audits/{closed}").status_code == 204
    assert api.client.get(f"/audits/{closed}").status_code == 404
    assert api.client.delete(f"/audits/{closed}").status_code == 404

    async def answers_left(sessions: Sessions) -> int:
        async with sessions() as s:
            return int(await s.scalar(select(func.count()).select_from(Answer)) or 0)

    assert api.seed(answers_left) == 4  # only the running audit's


def test_many_questions_are_deactivated_and_activated_at_once(api: Api) -> None:
    pid, _ = seeded(api)
    queries = api.client.get(f"/properties/{pid}/queries").json()["queries"]
    one = queries[0]["id"]
    off = api.client.patch(f"/properties/{pid}/queries", json={"is_active": False})
    assert off.status_code == 200 and off.json()["updated"] == 2
    assert (
        api.client.get(f"/properties/{pid}/queries", params={"active_only": True}).json()["total"]
        == 0
    )
    on = api.client.patch(
        f"/properties/{pid}/queries", json={"is_active": True, "query_ids": [one]}
    )
    assert on.json()["updated"] == 1
    active = api.client.get(f"/properties/{pid}/queries", params={"active_only": True}).json()
    assert [q["id"] for q in active["queries"]] == [one]
    stranger = str(uuid.uuid4())
    missing = api.client.patch(
        f"/properties/{pid}/queries", json={"is_active": True, "query_ids": [stranger]}
    )
    assert missing.status_code == 404 and stranger in missing.json()["detail"]


def test_domains_are_new_gone_or_steady_across_three_audits(api: Api) -> None:
    pid, audits = seeded(
        api,
        spec(["AMLI Aero", "Vista Park"], ["amli.com", "yelp.com"], at=0),
        spec(["AMLI Aero", "Vista Park"], ["amli.com", "yelp.com", "reddit.com"], at=1),
        spec(["AMLI Aero"], ["amli.com", "reddit.com", "zillow.com"], at=2),
    )
    seen = {d["domain"]: d for d in api.client.get(f"/properties/{pid}/domains").json()}
    assert {d: s["status"] for d, s in seen.items()} == {
        "amli.com": "steady",
        "reddit.com": "steady",
        "yelp.com": "gone",
        "zillow.com": "new",
    }
    assert (seen["yelp.com"]["first_audit_id"], seen["yelp.com"]["last_audit_id"]) == (
        audits[0],
        audits[1],
    )
    assert seen["reddit.com"]["first_audit_id"] == audits[1]
    assert seen["zillow.com"]["first_audit_id"] == seen["zillow.com"]["last_audit_id"] == audits[2]
    assert seen["amli.com"]["audits"] == 3 and seen["amli.com"]["is_brand_domain"]


def test_diffs_compare_only_scores_of_the_same_version(api: Api) -> None:
    pid, (old, mid, new) = seeded(
        api,
        spec(["Vista Park"], [], at=0),
        spec(["Vista Park", "AMLI Aero"], [], at=1),
        spec(["AMLI Aero"], ["amli.com"], at=2),
    )

    async def mark_first_as_version_1(sessions: Sessions) -> None:
        async with sessions() as s, s.begin():
            await s.execute(
                update(Score).where(Score.run_id.in_(select_runs(old))).values(scoring_version=1)
            )
            await s.execute(
                update(Audit).where(Audit.id == uuid.UUID(old)).values(scoring_version=1)
            )

    api.seed(mark_first_as_version_1)
    runs = api.client.get(f"/properties/{pid}/runs", params={"surface": "openai"}).json()
    by_audit = {r["audit_id"]: r for r in runs}
    assert by_audit[new]["diff"]["direction"] == "up"  # against `mid`, both version 2
    assert by_audit[mid]["diff"] is None  # `old` was scored with other rules
    assert "version 1" in by_audit[mid]["note"] and "re-score" in by_audit[mid]["note"]
    assert by_audit[old]["scoring_version"] == 1


def select_runs(audit_id: str):  # type: ignore[no-untyped-def]
    from db.models import Run

    return select(Run.id).where(Run.batch_id == uuid.UUID(audit_id))


LLM_SUMMARY = {
    "source": "llm",
    "summary": "AMLI Aero is missing from pool questions.",
    "key_insights": [],
    "action_items": [
        {"action": "Publish a pool page", "priority": 1, "effort": "low", "impact": "high"}
    ],
    "usage": {"surface": "claude", "model": "claude-model", "cost_usd": 0.01},
}


def test_a_report_shows_the_recommendations_of_its_own_audit(api: Api) -> None:
    pid, (older, latest) = seeded(
        api,
        spec(["Vista Park", "Elan Row"], ["yelp.com"], at=0, summary=LLM_SUMMARY),
        spec(["AMLI Aero"], ["amli.com"], at=1),
    )
    older_md = api.client.get(f"/audits/{older}/report", params={"format": "markdown"}).text
    latest_md = api.client.get(f"/audits/{latest}/report", params={"format": "markdown"}).text
    # The brand was absent from the older audit's answers, present in the latest.
    assert f'Not mentioned for "{Q1}"' in older_md
    assert f'Not mentioned for "{Q1}"' not in latest_md
    # The model's action items are there, marked with the surface that wrote them.
    assert "Publish a pool page** (impact 80) _(written by claude)_" in older_md
    assert "Publish a pool page" not in latest_md
    html = api.client.get(f"/audits/{older}/report").text
    assert "Publish a pool page" in html and "written by claude" in html

    recs = api.client.get(f"/properties/{pid}/recommendations").json()
    assert recs["audit_id"] == latest  # the property's view: its latest closed audit
    assert all(r["source"] == "rules" for r in recs["recommendations"])


def test_the_llm_action_items_reach_the_property_recommendations(api: Api) -> None:
    pid, (_, latest) = seeded(
        api,
        spec(["AMLI Aero"], ["amli.com"], at=0),
        spec(["Vista Park"], ["yelp.com"], at=1, summary=LLM_SUMMARY),
    )
    recs = api.client.get(f"/properties/{pid}/recommendations").json()
    assert recs["audit_id"] == latest and recs["summary"]["from_llm"] == 1
    item = next(r for r in recs["recommendations"] if r["source"] == "llm")
    assert (item["title"], item["written_by"], item["priority"]) == (
        "Publish a pool page",
        "claude",
        "high",
    )


def test_brand_and_competitor_domains_must_be_registrable(api: Api) -> None:
    for field, value in (
        ("brand_domains", ["com"]),
        ("brand_domains", ["co.uk"]),
        ("brand_domains", ["amli.com", "github.io"]),
        ("competitors", [{"name": "Rival", "domain": "co.uk"}]),
    ):
        refused = api.client.post("/properties", json={"name": "Suffix Row", field: value})
        assert refused.status_code == 422, (field, value)
        assert "public suffix" in str(refused.json()["detail"])
    made = api.client.post(
        "/properties",
        json={
            "name": "Fine Row",
            "brand_domains": ["WWW.FineRow.com", "sandiego.finerow.com", "finerow.github.io"],
            "competitors": [{"name": "Rival", "domain": "https://www.rival.co.uk/x"}],
        },
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["brand_domains"] == ["finerow.com", "sandiego.finerow.com", "finerow.github.io"]
    assert body["competitors"] == [{"name": "Rival", "domain": "rival.co.uk"}]
    patched = api.client.patch(f"/properties/{body['id']}", json={"brand_domains": ["io"]})
    assert patched.status_code == 422
