"""GET /answers: every filter, paging, organisation scoping, the CSV export, and the links a run
and an answer carry to the answers behind their figures."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import KEY, Api, _serving
from tests.api.evidence_seed import Q1, Q2, Q3, Seeded, seed_evidence
from tests.factories import Sessions


@pytest.fixture
def seeded(api: Api) -> Seeded:
    result: Seeded = api.seed(seed_evidence)
    return result


def found(api: Api, **params: Any) -> list[dict[str, Any]]:
    """Every answer the filters match (one page holds them all), checked against the total."""
    response = api.client.get("/answers", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    assert int(response.headers["X-Total-Count"]) == len(body)
    return body


def keys(answers: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """(surface, question, sample) of each answer, sorted: what a filter picked."""
    return sorted((a["surface"], a["question"]["text"], a["sample"]) for a in answers)


def test_the_scope_filters_pick_the_property_the_audit_or_the_run(api: Api, seeded: Seeded) -> None:
    everything = found(api, audit_id=seeded.audit_id)
    assert len(everything) == 9  # openai: 4 answers and an error; claude: 4 answers
    assert keys(found(api, property_id=seeded.property_id)) == keys(everything)
    openai = found(api, run_id=seeded.runs["openai"])
    assert {a["surface"] for a in openai} == {"openai"} and len(openai) == 5
    claude = found(api, audit_id=seeded.audit_id, surface="claude")
    assert len(claude) == 4 and {a["run_id"] for a in claude} == {str(seeded.runs["claude"])}
    first = found(api, audit_id=seeded.audit_id, query_id=seeded.queries[Q1.text])
    assert keys(first) == [("claude", Q1.text, 0), ("openai", Q1.text, 0), ("openai", Q1.text, 1)]


def test_who_asked_filters_by_persona_and_language(api: Api, seeded: Seeded) -> None:
    families = found(api, audit_id=seeded.audit_id, persona="families")
    assert len(families) == 4 and {a["question"]["persona"] for a in families} == {"families"}
    # An empty persona is the general panel (any renter).
    general = found(api, audit_id=seeded.audit_id, persona="")
    assert len(general) == 5 and {a["question"]["persona"] for a in general} == {""}
    spanish = found(api, audit_id=seeded.audit_id, language="es")
    assert len(spanish) == 4 and {a["question"]["language"] for a in spanish} == {"es"}
    both = found(api, audit_id=seeded.audit_id, persona="families", language="en")
    assert keys(both) == [("claude", Q2.text, 0), ("openai", Q2.text, 0)]


def test_presence_and_status_filters(api: Api, seeded: Seeded) -> None:
    named = found(api, audit_id=seeded.audit_id, present="true")
    assert all(a["presence"] and a["status"] == "ok" for a in named) and len(named) == 5
    absent = found(api, audit_id=seeded.audit_id, present="false")
    # The error says nothing about presence: it is in neither list.
    assert keys(absent) == [
        ("claude", Q1.text, 0),
        ("openai", Q1.text, 1),
        ("openai", Q3.text, 0),
    ]
    (error,) = found(api, audit_id=seeded.audit_id, status="error")
    assert error["error_message"] == "HTTP 500" and error["score"] is None
    assert len(found(api, audit_id=seeded.audit_id, status="ok")) == 8


def test_mentions_matches_a_whole_name_in_any_case_or_its_domain(api: Api, seeded: Seeded) -> None:
    vista = found(api, audit_id=seeded.audit_id, mentions="vista PARK")
    assert len(vista) == 6
    assert all("Vista Park" in [e["name"] for e in a["ordered_entities"]] for a in vista)
    assert keys(found(api, audit_id=seeded.audit_id, mentions="www.VistaPark.com")) == keys(vista)
    assert found(api, audit_id=seeded.audit_id, mentions="Vista") == []
    elan = found(api, audit_id=seeded.audit_id, mentions="Elan Row", surface="claude")
    assert keys(elan) == [
        ("claude", "Apartamentos para familias en North Park", 0),
        ("claude", Q1.text, 0),
    ]


def test_cites_matches_one_page_ignoring_host_case_and_a_trailing_slash(
    api: Api, seeded: Seeded
) -> None:
    amli = found(api, property_id=seeded.property_id, cites="https://WWW.amli.com/page/")
    assert keys(amli) == [("claude", Q2.text, 0), ("claude", Q3.text, 0), ("openai", Q1.text, 0)]
    assert all("https://www.amli.com/page" in [c["url"] for c in a["citations"]] for a in amli)
    assert found(api, property_id=seeded.property_id, cites="https://www.amli.com/other") == []
    assert found(api, property_id=seeded.property_id, cites="https://amli.com/page") == []
    both = found(
        api, audit_id=seeded.audit_id, cites="https://www.amli.com/page", mentions="vistapark.com"
    )
    assert keys(both) == [("claude", Q3.text, 0), ("openai", Q1.text, 0)]


def test_an_answer_shows_its_question_figures_evidence_and_links(api: Api, seeded: Seeded) -> None:
    (a,) = found(api, run_id=seeded.runs["openai"], query_id=seeded.queries[Q2.text])
    assert a["question"] == {
        "id": str(seeded.queries[Q2.text]),
        "text": Q2.text,
        "type": "category",
        "weight": 2.0,
        "persona": "families",
        "language": "en",
    }
    assert (a["presence"], a["rank"], a["link_rank"], a["sov"]) == (True, 2, None, 0.0)
    assert [(e["name"], e["is_brand"]) for e in a["ordered_entities"]] == [
        ("Vista Park", False),
        ("AMLI Aero", True),
    ]
    assert a["citations"] == [
        {
            "url": "https://www.vistapark.com/page",
            "domain": "vistapark.com",
            "entity_ref": "",
            "brand": False,
            "origin": "answer",
        }
    ]
    assert a["model"] == "openai-model" and a["text"].startswith("{") and a["answer_summary"]
    run = str(seeded.runs["openai"])
    assert a["links"]["run"] == f"/runs/{run}"
    assert a["links"]["dashboard"].startswith(f"/app/answers?run_id={run}&query_id=")
    assert a["links"]["temporal_ui"].endswith(
        f"/namespaces/default/workflows/audit-{seeded.audit_id}-openai"
    )
    assert api.client.get(a["links"]["run"]).status_code == 200


def test_pages_cover_every_answer_once_in_order(api: Api, seeded: Seeded) -> None:
    everything = [a["id"] for a in found(api, audit_id=seeded.audit_id)]
    pages = []
    for offset in range(0, 9, 4):
        page = api.client.get(
            "/answers", params={"audit_id": str(seeded.audit_id), "limit": 4, "offset": offset}
        )
        assert page.headers["X-Total-Count"] == "9"
        pages += [a["id"] for a in page.json()]
    assert pages == everything and len(set(pages)) == 9
    mentioned = [a["id"] for a in found(api, audit_id=seeded.audit_id, mentions="Vista Park")]
    page = api.client.get(
        "/answers",
        params={
            "audit_id": str(seeded.audit_id),
            "mentions": "Vista Park",
            "limit": 2,
            "offset": 2,
        },
    )
    assert page.headers["X-Total-Count"] == "6"
    assert [a["id"] for a in page.json()] == mentioned[2:4]


def test_bad_searches_are_clear_4xx(api: Api, seeded: Seeded) -> None:
    unscoped = api.client.get("/answers", params={"surface": "openai"})
    assert unscoped.status_code == 422 and "property_id" in unscoped.json()["detail"]
    assert api.client.get("/answers", params={"audit_id": "nope"}).status_code == 422
    assert (
        api.client.get(
            "/answers", params={"run_id": str(seeded.runs["openai"]), "status": "x"}
        ).status_code
        == 422
    )
    not_url = api.client.get(
        "/answers", params={"audit_id": str(seeded.audit_id), "cites": "no url"}
    )
    assert not_url.status_code == 422 and "URL" in not_url.json()["detail"]
    for name in ("property_id", "audit_id", "run_id", "query_id"):
        missing = api.client.get(
            "/answers", params={"audit_id": str(seeded.audit_id), name: str(uuid.uuid4())}
        )
        assert missing.status_code == 404 and "not found" in missing.json()["detail"]


def test_csv_holds_every_match_as_the_json_does(api: Api, seeded: Seeded) -> None:
    response = api.client.get(
        "/answers", params={"audit_id": str(seeded.audit_id), "format": "csv"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    answers = found(api, audit_id=seeded.audit_id)
    assert [r["answer_id"] for r in rows] == [a["id"] for a in answers]
    for row, a in zip(rows, answers, strict=True):
        assert row["run_id"] == a["run_id"] and row["surface"] == a["surface"]
        assert row["question"] == a["question"]["text"]
        assert (row["persona"], row["language"]) == (
            a["question"]["persona"],
            a["question"]["language"],
        )
        assert row["status"] == a["status"] and row["presence"] == str(a["presence"]).lower()
        assert row["rank"] == ("" if a["rank"] is None else str(a["rank"]))
        assert row["score"] == ("" if a["score"] is None else str(a["score"]))
        assert row["entities"] == "; ".join(e["name"] for e in a["ordered_entities"])
        assert row["brand_entity"] == next(
            (e["name"] for e in a["ordered_entities"] if e["is_brand"]), ""
        )
        assert row["citations"] == "; ".join(c["url"] for c in a["citations"])
        assert row["temporal_ui"] == a["links"]["temporal_ui"]
    filtered = api.client.get(
        "/answers",
        params={"audit_id": str(seeded.audit_id), "mentions": "Elan Row", "format": "csv"},
    )
    names = [r["answer_id"] for r in csv.DictReader(io.StringIO(filtered.text))]
    assert names == [a["id"] for a in found(api, audit_id=seeded.audit_id, mentions="Elan Row")]


def test_a_runs_links_lead_to_the_answers_behind_its_score_and_visibility(
    api: Api, seeded: Seeded
) -> None:
    state = api.client.get(f"/audits/{seeded.audit_id}").json()
    for run in state["runs"]:
        links = run["links"]
        assert links["answers"] == f"/answers?run_id={run['run_id']}"
        assert links["present"] == f"/answers?run_id={run['run_id']}&present=true"
        assert links["temporal_ui"].endswith(f"/workflows/{run['workflow_id']}")
        behind = api.client.get(links["answers"])
        assert int(behind.headers["X-Total-Count"]) == run["done"]  # answers and errors
        named = api.client.get(links["present"]).json()
        # Visibility is per question: each question's share of its samples naming the brand.
        by_question: dict[str, list[bool]] = {}
        for a in api.client.get(links["answers"] + "&status=ok").json():
            by_question.setdefault(a["question"]["id"], []).append(a["presence"])
        rates = [sum(v) / len(v) for v in by_question.values()]
        assert run["visibility_pct"] == round(100 * sum(rates) / len(rates), 2)
        assert len(named) == sum(sum(v) for v in by_question.values())


@pytest.fixture
def keyed(tmp_path: Path) -> Iterator[Api]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'keyed.db'}"
    with _serving(url, propertyaudit_api_key=KEY) as client:
        yield Api(client, url)


def test_an_organisation_sees_only_the_answers_of_its_own_properties(keyed: Api) -> None:
    admin = {"X-API-Key": KEY}
    a, b = (keyed.client.post("/orgs", json={"name": n}, headers=admin).json() for n in "AB")

    async def make(sessions: Sessions) -> Seeded:
        return await seed_evidence(sessions, uuid.UUID(a["org_id"]))

    mine: Seeded = keyed.seed(make)
    as_a, as_b = {"X-API-Key": a["api_key"]}, {"X-API-Key": b["api_key"]}
    scopes = {
        "property_id": mine.property_id,
        "audit_id": mine.audit_id,
        "run_id": mine.runs["claude"],
    }
    for name, value in scopes.items():
        own = keyed.client.get("/answers", params={name: str(value)}, headers=as_a)
        assert own.status_code == 200 and own.json()
        other = keyed.client.get("/answers", params={name: str(value)}, headers=as_b)
        assert other.status_code == 404, (name, other.text)
        csv_other = keyed.client.get(
            "/answers", params={name: str(value), "format": "csv"}, headers=as_b
        )
        assert csv_other.status_code == 404
    assert keyed.client.get("/answers", params={"audit_id": str(mine.audit_id)}).status_code == 401
