"""`GET /portfolio`: properties in two regions with overlapping tags, rolled up by region and by
tag (exact averages and lowest scores, weakest first, alerts counted by level), filtered,
scoped to the caller's organisation, every figure linked to where it came from; and as many
statements for 30 properties as for 3."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import fmean
from typing import Any

import pytest
from sqlalchemy import event

from geo.answer import AnswerBlock
from tests.api.conftest import KEY, Api, _serving
from tests.factories import AuditSpec, Sessions, block, new_audit, new_property

T0 = datetime(2026, 11, 1, tzinfo=UTC)
Q = "Best apartments in North Park"
# One surface, one question: a property's combined score is its answer's score. An answer
# names the property first and cites it (100, seen: success), third uncited, or not at all
# (low visibility).
TOP, THIRD, MISSED = "top", "third", "missed"
ADMIN = {"X-API-Key": KEY}


def answer(kind: str, name: str) -> AnswerBlock:
    if kind == TOP:
        return block([name, "Vista Park"], cites=["amli.com"])
    return block(["Vista Park", "The Grove", name] if kind == THIRD else ["Vista Park"])


def seed(app: Api, name: str, answers: list[str], **fields: Any) -> uuid.UUID:
    """A property audited once per kind of answer, a day apart (on the openai surface)."""

    async def make(sessions: Sessions) -> uuid.UUID:
        prop = await new_property(sessions, [Q], name=name, **fields)
        for day, kind in enumerate(answers):
            spec = AuditSpec(
                answers={"openai": {Q: answer(kind, name)}}, created_at=T0 + timedelta(days=day)
            )
            await new_audit(sessions, prop, spec)
        return prop

    made: uuid.UUID = app.seed(make)
    return made


@pytest.fixture
def keyed(tmp_path: Path) -> Iterator[Api]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'portfolio.db'}"
    with _serving(url, propertyaudit_api_key=KEY) as client:
        yield Api(client, url)


@pytest.fixture
def world(keyed: Api) -> dict[str, Any]:
    """Organisation A: Aero and Bayside in North Park, Canyon and Dune (never audited) in La
    Jolla; tags overlap. Organisation B: Elsewhere, in North Park and tagged luxury too."""
    c = keyed.client
    a = c.post("/orgs", json={"name": "A"}, headers=ADMIN).json()
    b = c.post("/orgs", json={"name": "B"}, headers=ADMIN).json()
    org_a, org_b = uuid.UUID(a["org_id"]), uuid.UUID(b["org_id"])
    ids = {
        "Aero": seed(keyed, "Aero", [TOP], region="North Park", tags=["lease-up", "luxury"]),
        "Bayside": seed(keyed, "Bayside", [TOP, THIRD], region="North Park", tags=["luxury"]),
        "Canyon": seed(keyed, "Canyon", [MISSED], region="La Jolla"),
        "Dune": seed(keyed, "Dune", [], region="La Jolla", tags=["lease-up"]),
    }
    for prop in ids.values():
        keyed.seed(lambda s, p=prop: _move(s, p, org_a))
    other = seed(keyed, "Elsewhere", [TOP], region="North Park", tags=["luxury"])
    keyed.seed(lambda s: _move(s, other, org_b))
    scores = {n: c.get(f"/properties/{p}/score", headers=ADMIN).json() for n, p in ids.items()}
    return {"ids": ids, "other": other, "a": {"X-API-Key": a["api_key"]}, "scores": scores}


async def _move(sessions: Sessions, property_id: uuid.UUID, org: uuid.UUID) -> None:
    from sqlalchemy import update

    from db.models import Property

    async with sessions() as s, s.begin():
        await s.execute(update(Property).where(Property.id == property_id).values(org_id=org))


def names(group: dict[str, Any]) -> list[str]:
    return [p["name"] for p in group["properties"]]


def score(world: dict[str, Any], name: str) -> float:
    value: float = world["scores"][name]["overall_score"]
    return value


def test_by_region_weakest_first_with_exact_figures(keyed: Api, world: dict[str, Any]) -> None:
    body = keyed.client.get("/portfolio", headers=world["a"]).json()
    assert body["group_by"] == "region" and body["property_count"] == 4
    assert body["audited_count"] == 3
    jolla, north = body["groups"]
    assert jolla["key"] == "La Jolla" and north["key"] == "North Park"
    assert names(jolla) == ["Canyon", "Dune"] and names(north) == ["Bayside", "Aero"]

    aero, bayside, canyon = (score(world, n) for n in ("Aero", "Bayside", "Canyon"))
    assert canyon < bayside < aero
    assert north["average_score"] == round(fmean([aero, bayside]), 1)
    assert north["lowest_score"] == bayside and jolla["lowest_score"] == canyon
    assert jolla["average_score"] == canyon  # Dune was never audited
    assert (north["property_count"], north["audited_count"]) == (2, 2)
    assert (jolla["property_count"], jolla["audited_count"]) == (2, 1)
    visibility = [world["scores"][n]["visibility_pct"] for n in ("Aero", "Bayside")]
    assert north["average_visibility_pct"] == round(fmean(visibility), 1)
    assert north["weakest"]["property_id"] == str(world["ids"]["Bayside"])
    assert north["weakest"]["overall_score"] == bayside
    # Bayside fell from the top answer to third: critical; Aero is in every answer with 100.
    assert north["alerts"] == {"critical": 1, "warning": 0, "competitive": 0, "success": 1}
    assert jolla["alerts"] == {"critical": 0, "warning": 1, "competitive": 0, "success": 0}
    bay = north["properties"][0]
    assert bay["change"] == round(bayside - 100.0, 1) and bay["direction"] == "down"
    assert [a["level"] for a in bay["alerts"]] == ["critical"]
    dune = jolla["properties"][1]
    assert dune["overall_score"] is None and dune["latest_audit"] is None
    assert set(dune["links"]) == {"dashboard", "score"}


def test_by_tag_a_property_is_in_each_of_its_tags_groups(keyed: Api, world: dict[str, Any]) -> None:
    body = keyed.client.get("/portfolio", params={"group_by": "tag"}, headers=world["a"]).json()
    groups = {g["key"]: g for g in body["groups"]}
    assert [g["key"] for g in body["groups"]] == ["(untagged)", "luxury", "lease-up"]
    assert names(groups["luxury"]) == ["Bayside", "Aero"]
    assert names(groups["lease-up"]) == ["Aero", "Dune"]
    assert names(groups["(untagged)"]) == ["Canyon"]
    assert groups["lease-up"]["average_score"] == score(world, "Aero")
    assert groups["lease-up"]["alerts"]["success"] == 1
    assert body["property_count"] == 4  # Aero counted once


def test_filters_by_region_and_tag_in_any_case(keyed: Api, world: dict[str, Any]) -> None:
    get = keyed.client.get
    north = get("/portfolio", params={"region": "north  PARK"}, headers=world["a"]).json()
    assert [g["key"] for g in north["groups"]] == ["North Park"]
    luxury = get("/portfolio", params={"tag": "Luxury"}, headers=world["a"]).json()
    assert sorted(p["name"] for g in luxury["groups"] for p in g["properties"]) == [
        "Aero",
        "Bayside",
    ]
    nothing = get("/portfolio", params={"region": "Nowhere"}, headers=world["a"]).json()
    assert nothing["groups"] == [] and nothing["property_count"] == 0


def test_another_organisations_properties_never_appear(keyed: Api, world: dict[str, Any]) -> None:
    for group_by in ("region", "tag"):
        params = {"group_by": group_by}
        mine = keyed.client.get("/portfolio", params=params, headers=world["a"]).json()
        listed = {p["property_id"] for g in mine["groups"] for p in g["properties"]}
        assert str(world["other"]) not in listed and len(listed) == 4
    everyone = keyed.client.get("/portfolio", headers=ADMIN).json()
    north = next(g for g in everyone["groups"] if g["key"] == "North Park")
    assert "Elsewhere" in names(north) and everyone["property_count"] == 5


def test_every_figure_links_to_its_runs_answers_and_workflows(
    keyed: Api, world: dict[str, Any]
) -> None:
    c, headers = keyed.client, world["a"]
    body = c.get("/portfolio", headers=headers).json()
    aero = next(p for g in body["groups"] for p in g["properties"] if p["name"] == "Aero")
    audit_id = aero["latest_audit"]["audit_id"]
    links = aero["links"]
    assert links["dashboard"] == f"/app/properties/{aero['property_id']}"
    assert links["latest_audit"] == f"/audits/{audit_id}"
    assert links["answers"] == f"/answers?audit_id={audit_id}"
    assert links["temporal_ui"].endswith(f"/namespaces/default/workflows/audit-{audit_id}")
    assert c.get(links["latest_audit"], headers=headers).status_code == 200
    assert c.get(links["score"], headers=headers).json()["overall_score"] == aero["overall_score"]
    openai = aero["surfaces"]["openai"]
    run = c.get(openai["links"]["run"], headers=headers).json()
    assert run["score"]["overall_score"] == openai["overall_score"]
    assert run["answers"][0]["query_text"] == Q  # the answer that produced the figure
    assert openai["links"]["answers"] == f"/answers?run_id={openai['run_id']}"
    # The answers endpoint lists the one answer behind both figures.
    for link, field in ((links["answers"], "audit_id"), (openai["links"]["answers"], "run_id")):
        found = c.get(link, headers=headers).json()
        assert [(a[field], a["surface"]) for a in found] == [(openai[field], "openai")]
    assert openai["links"]["temporal_ui"].endswith(f"/workflows/audit-{audit_id}-openai")


def test_a_dominant_competitor_is_counted_as_competitive(api: Api) -> None:
    questions = [f"Apartments near park number {n}" for n in range(16)]

    async def make(sessions: Sessions) -> None:
        prop = await new_property(sessions, questions, name="Aero", region="North Park")
        answers = {q: block(["Vista Park", "Aero"]) for q in questions}
        await new_audit(sessions, prop, AuditSpec(answers={"openai": answers}))

    api.seed(make)
    (group,) = api.client.get("/portfolio").json()["groups"]
    assert group["alerts"]["competitive"] == 1
    (alert,) = [a for a in group["properties"][0]["alerts"] if a["level"] == "competitive"]
    assert alert["detail"] == "Vista Park was named 16 times"


def test_a_bad_group_by_is_a_422(keyed: Api) -> None:
    refused = keyed.client.get("/portfolio", params={"group_by": "city"}, headers=ADMIN)
    assert refused.status_code == 422
    assert "group_by" in str(refused.json()["detail"])


def _statements(app: Api) -> int:
    engine = app.client.app.state.sessions.kw["bind"].sync_engine  # type: ignore[attr-defined]
    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        body = app.client.get("/portfolio", params={"group_by": "tag"}).json()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert body["audited_count"] == body["property_count"]
    return len(sent)


def test_thirty_properties_take_as_many_statements_as_three(api: Api) -> None:
    def add(first: int, last: int) -> None:
        for n in range(first, last):
            tags = ["odd" if n % 2 else "even", f"t{n % 3}"]
            seed(api, f"Property {n:02d}", [TOP, THIRD], region=f"R{n % 4}", tags=tags)

    add(0, 3)
    few = _statements(api)
    add(3, 30)
    assert _statements(api) == few
