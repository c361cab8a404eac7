"""Results split by persona and language (GET /audits/{id}/segments) and by asker location (GET
/properties/{id}/segments?by=location), each figure exact and linked to the answers behind it;
and the report's split tables and links."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from statistics import fmean
from typing import Any

import pytest
from sqlalchemy import update

from db.models import Audit
from geo.answer import AnswerBlock
from tests.api.conftest import Api
from tests.api.evidence_seed import (
    Q1,
    Q2,
    Q3,
    Q4,
    Question,
    Seeded,
    evidence_audit,
    evidence_property,
)
from tests.factories import Sessions, block

SAN_DIEGO = {"city": "San Diego", "region": "CA", "country": "US"}
AUSTIN = {"city": "Austin", "region": "TX", "country": "US"}
T0 = datetime(2026, 10, 1, tzinfo=UTC)


@pytest.fixture
def seeded(api: Api) -> Seeded:
    async def make(sessions: Sessions) -> Seeded:
        prop = await evidence_property(sessions)
        return await evidence_audit(sessions, prop, location=SAN_DIEGO)

    result: Seeded = api.seed(make)
    return result


def scores(api: Api, seeded: Seeded, surface: str) -> dict[tuple[str, int], float | None]:
    """Each stored answer's own score, by (question, sample), read back from GET /answers."""
    answers = api.client.get(
        "/answers", params={"run_id": str(seeded.runs[surface]), "limit": 200}
    ).json()
    return {(a["question"]["text"], a["sample"]): a["score"] for a in answers}


def by_key(segments: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {s["key"]: s for s in segments}


def test_openai_by_persona_and_language_worked_out_by_hand(api: Api, seeded: Seeded) -> None:
    body = api.client.get(f"/audits/{seeded.audit_id}/segments").json()
    assert body["asker_location"]["label"] == "San Diego, CA, US"
    assert (body["personas"], body["languages"]) == (["", "families"], ["en", "es"])
    openai = next(s for s in body["surfaces"] if s["surface"] == "openai")
    s = scores(api, seeded, "openai")
    assert s[(Q4.text, 0)] is None  # the error has no score
    q1 = (
        float(s[(Q1.text, 0)] or 0) + float(s[(Q1.text, 1)] or 0)
    ) / 2  # two samples: one question
    q2, q3 = float(s[(Q2.text, 0)] or 0), float(s[(Q3.text, 0)] or 0)

    persona = by_key(openai["by_persona"])
    general, families = persona[""], persona["families"]
    assert (general["label"], general["answers"], general["errors"]) == ("any renter", 3, 0)
    assert general["overall_score"] == round(fmean([q1, q3]), 2)
    assert general["visibility_pct"] == 25.0  # Q1 named in one sample of two, Q3 never
    assert (general["avg_llm_rank"], general["avg_link_rank"]) == (1.0, 1.0)
    assert general["avg_sov"] == round(fmean([0.5, 0.0]), 4)  # Q3 cites nothing: no share
    assert (families["answers"], families["errors"], families["questions"]) == (1, 1, 1)
    assert (families["overall_score"], families["visibility_pct"], families["avg_llm_rank"]) == (
        q2,
        100.0,
        2.0,
    )

    language = by_key(openai["by_language"])
    english, spanish = language["en"], language["es"]
    assert english["overall_score"] == round(fmean([q1, q2]), 2)
    assert english["weighted_score"] == round((q1 * 1 + q2 * 2) / 3, 2)  # Q2 weighs 2
    assert english["visibility_pct"] == 75.0 and english["avg_llm_rank"] == 1.5
    assert (spanish["answers"], spanish["errors"], spanish["visibility_pct"]) == (1, 1, 0.0)
    assert spanish["overall_score"] == q3 and spanish["avg_llm_rank"] is None


def test_each_surface_total_is_the_runs_own_score(api: Api, seeded: Seeded) -> None:
    body = api.client.get(f"/audits/{seeded.audit_id}/segments").json()
    runs = {r["surface"]: r for r in api.client.get(f"/audits/{seeded.audit_id}").json()["runs"]}
    for surface in body["surfaces"]:
        run = runs[surface["surface"]]
        total = surface["total"]
        assert (total["overall_score"], total["visibility_pct"]) == (
            run["score"],
            run["visibility_pct"],
        )
        assert total["answers"] + total["errors"] == run["done"]
        assert surface["temporal_ui"] == run["links"]["temporal_ui"]


def test_every_segment_links_to_exactly_its_answers(api: Api, seeded: Seeded) -> None:
    body = api.client.get(f"/audits/{seeded.audit_id}/segments").json()
    checked = 0
    for surface in body["surfaces"]:
        for segment in [surface["total"], *surface["by_persona"], *surface["by_language"]]:
            behind = api.client.get(segment["answers_url"] + "&limit=200")
            assert behind.status_code == 200, segment["answers_url"]
            answers = behind.json()
            assert len(answers) == segment["answers"] + segment["errors"]
            assert {a["surface"] for a in answers} == {surface["surface"]}
            assert segment["dashboard_url"] == segment["answers_url"].replace(
                "/answers?", "/app/answers?", 1
            )
            checked += 1
    assert checked == 2 * 5
    general = by_key(body["surfaces"][0]["by_persona"])[""]
    assert general["answers_url"].endswith("&persona=")


def test_an_audit_without_a_location_or_another_persona(api: Api) -> None:
    plain: dict[str, list[tuple[Question, int, AnswerBlock | None]]] = {
        "openai": [(Q1, 0, block(["AMLI Aero"])), (Q2, 0, block(["Vista Park"]))]
    }

    async def make(sessions: Sessions) -> Seeded:
        return await evidence_audit(sessions, await evidence_property(sessions), answers=plain)

    seeded: Seeded = api.seed(make)
    body = api.client.get(f"/audits/{seeded.audit_id}/segments").json()
    assert body["asker_location"] is None and body["languages"] == ["en"]
    (openai,) = body["surfaces"]
    assert [s["key"] for s in openai["by_language"]] == ["en"]
    assert openai["by_language"][0]["overall_score"] == openai["total"]["overall_score"]
    assert api.client.get(f"/audits/{uuid.uuid4()}/segments").status_code == 404


def test_locations_compare_the_latest_audit_from_each_place(api: Api) -> None:
    async def make(sessions: Sessions) -> tuple[uuid.UUID, list[Seeded]]:
        prop = await evidence_property(sessions)
        places = [SAN_DIEGO, AUSTIN, {**SAN_DIEGO, "city": "san diego"}, None, SAN_DIEGO]
        made = [
            await evidence_audit(sessions, prop, location=p, created_at=T0 + timedelta(days=i))
            for i, p in enumerate(places)
        ]
        async with sessions() as s, s.begin():  # the newest is scored by older rules
            await s.execute(
                update(Audit).where(Audit.id == made[-1].audit_id).values(scoring_version=1)
            )
        return prop, made

    prop, made = api.seed(make)
    body = api.client.get(f"/properties/{prop}/segments", params={"by": "location"}).json()
    assert (body["by"], body["scoring_version"], body["left_out"]) == ("location", 2, 1)
    places = {p["key"]: p for p in body["locations"]}
    assert list(places) == ["austin, tx, us", "san diego, ca, us", "unspecified"]
    san_diego = places["san diego, ca, us"]
    assert (san_diego["audits"], san_diego["audit_id"]) == (2, str(made[2].audit_id))
    assert san_diego["label"] == "san diego, CA, US"  # as the latest audit wrote it
    assert places["austin, tx, us"]["audit_id"] == str(made[1].audit_id)
    assert places["unspecified"]["label"] == "unspecified"
    for place in body["locations"]:
        runs = {
            r["surface"]: r for r in api.client.get(f"/audits/{place['audit_id']}").json()["runs"]
        }
        for cell in place["surfaces"]:
            run = runs[cell["surface"]]
            assert (cell["overall_score"], cell["visibility_pct"]) == (
                run["score"],
                run["visibility_pct"],
            )
            named = api.client.get(cell["present_url"])
            assert all(a["presence"] for a in named.json()) and named.json()
            assert cell["temporal_ui"] == run["links"]["temporal_ui"]
        assert api.client.get(place["links"]["answers"]).status_code == 200
    assert api.client.get(f"/properties/{prop}/segments?by=persona").status_code == 422
    assert api.client.get(f"/properties/{uuid.uuid4()}/segments").status_code == 404


def test_the_report_splits_by_persona_and_language_and_links_every_figure(
    api: Api, seeded: Seeded
) -> None:
    text = api.client.get(f"/audits/{seeded.audit_id}/report?format=markdown").text
    assert "· asked from San Diego, CA, US" in text.splitlines()[2]
    assert "## By persona" in text and "## By language" in text
    base = "http://testserver/answers?"
    for surface, run_id in seeded.runs.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| [{surface}]("))
        assert f"]({base}run_id={run_id})" in row
        assert f"]({base}run_id={run_id}&present=true)" in row
        assert f"/workflows/audit-{seeded.audit_id}-{surface})" in row
    families = next(line for line in text.splitlines() if line.startswith("| families |"))
    assert f"({base}audit_id={seeded.audit_id}&surface=openai&persona=families)" in families
    for url in re.findall(r"\]\((http://testserver/answers\?[^)]+)\)", text):
        assert api.client.get(url).status_code == 200, url

    html = api.client.get(f"/audits/{seeded.audit_id}/report?format=html")
    assert html.headers["content-security-policy"].startswith("default-src 'none'")
    assert '<section id="segments">' in html.text
    assert f'href="{base}run_id={seeded.runs["openai"]}"' in html.text
    assert f'href="{base}audit_id={seeded.audit_id}&amp;surface=claude&amp;language=es"' in (
        html.text
    )
    assert "asked from <strong>San Diego, CA, US</strong>" in html.text


def test_a_report_asked_at_an_unusable_host_links_relatively(api: Api, seeded: Seeded) -> None:
    text = api.client.get(
        f"/audits/{seeded.audit_id}/report?format=markdown", headers={"Host": "evil)(x"}
    ).text
    assert f"](/answers?run_id={seeded.runs['openai']})" in text
    assert "evil" not in text
