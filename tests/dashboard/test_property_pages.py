"""The property pages: a property's standing, history, surfaces, question types, positioning,
competitors, cited domains and recommendations from its audits; its panel, its schedule and the
forms that start an audit or create a property, through the API's own services."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.dashboard.property_view import imbalances, place_questions
from db.models import Audit, Property, Query
from db.orgs import create_org
from reports.model import QueryCell, QueryRow, SurfaceCard
from tests.dashboard.conftest import (
    Api,
    count,
    csrf_in,
    csrf_of,
    dashboard,
    org_of,
    property_named,
    questions_of,
    seed_property,
    signing_in,
)
from tests.factories import AuditSpec, Sessions, block
from tests.reports import sample

QUESTIONS = [
    "Best apartments in North Park, San Diego",
    "Apartments with a rooftop pool near UTC",
    "Luxury apartments in La Jolla",
    "Pet friendly apartments in Mission Valley",
]
NOW = datetime.now(UTC)


def _audits(questions: list[str]) -> list[AuditSpec]:
    """Two completed audits on two surfaces: the property gains ground between them, a forum
    starts being cited and a listing site stops."""
    q1, q2, q3, q4 = questions
    older = AuditSpec(
        answers={
            "openai": {
                q1: block(["AMLI Aero", "Avalon La Jolla"], ["amli.com", "zillow.com"]),
                q2: block(["Avalon La Jolla", "Modera", "Alta", "AMLI Aero"], ["zillow.com"]),
                q3: block(["Avalon La Jolla"], ["apartments.com"]),
                q4: block(["Modera", "AMLI Aero"], ["apartments.com"]),
            },
            "claude": {
                q1: block(["Avalon La Jolla", "Modera"], ["zillow.com"]),
                q2: block(["Modera"], ["apartments.com"]),
                q3: block(["Avalon La Jolla", "Modera"], []),
                q4: block(["Alta"], []),
            },
        },
        created_at=NOW - timedelta(days=7),
    )
    newer = AuditSpec(
        answers={
            "openai": {
                q1: block(["AMLI Aero", "Avalon La Jolla"], ["amli.com", "reddit.com"]),
                q2: block(["Avalon La Jolla", "Modera", "Alta", "AMLI Aero"], ["reddit.com"]),
                q3: block(["Avalon La Jolla", "Modera"], ["apartments.com"]),
                q4: block(["AMLI Aero", "Modera"], ["amli.com"]),
            },
            "claude": {
                q1: block(["AMLI Aero"], ["amli.com"]),
                q2: block(["Modera", "Alta", "Avalon La Jolla", "AMLI Aero"], ["apartments.com"]),
                q3: block(["Modera"], []),
                q4: block(["Alta", "Modera"], []),
            },
        },
        created_at=NOW - timedelta(days=1),
    )
    return [older, newer]


def seeded(api: Api, *, audits: bool = True, **fields: object) -> uuid.UUID:
    """A property with the four questions and, unless `audits` is False, two completed audits."""
    prop, _ = seed_property(api, QUESTIONS, _audits(QUESTIONS) if audits else [], **fields)
    return prop


FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>")


def unlabelled(html: str) -> list[str]:
    """The form fields (hidden ones aside) without a <label for> naming their id."""
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
    out = []
    for _, attrs in FIELD.findall(html):
        if 'type="hidden"' in attrs:
            continue
        found = re.search(r'\bid="([^"]+)"', attrs)
        if not found or found.group(1) not in labelled:
            out.append(attrs.strip()[:80])
    return out


def section(html: str, anchor: str) -> str:
    """The HTML of one section of the page (by its id)."""
    start = html.index(f'<section id="{anchor}"')
    end = html.find('<section id="', start + 1)
    return html[start : end if end > 0 else len(html)]


def test_the_page_shows_a_property_with_its_audits(api: Api) -> None:
    prop = seeded(api)
    page = api.client.get(f"/app/properties/{prop}")
    assert page.status_code == 200, page.text
    html = page.text
    assert html.count("<h1") == 1 and "AMLI Aero</h1>" in html
    assert "script-src 'self'" in page.headers["content-security-policy"]
    # Charts are inline SVG, with no script of their own (and nothing inline at all).
    assert "<script" not in html.replace('<script src="/static/vendor/', "")
    assert "onclick" not in html and "onload" not in html
    history = section(html, "history")
    assert "<svg" in history and "openai score" in history and "claude visibility %" in history
    assert "<svg" in section(html, "types")
    # Model comparison: the latest audit's surfaces side by side, the gap said in words.
    surfaces = section(html, "surfaces")
    assert 'data-surface="openai"' in surfaces and 'data-surface="claude"' in surfaces
    assert "Imbalance:" in surfaces
    # Competitors over both audits, and the domains that came and went.
    competitors = section(html, "competitors")
    assert 'data-competitor="Modera"' in competitors and "mention" in competitors
    domains = section(html, "domains")
    assert re.search(r'data-domain="reddit.com".*?>new<', domains, re.DOTALL)
    assert re.search(r'data-domain="zillow.com".*?>gone<', domains, re.DOTALL)
    assert re.search(r'data-domain="apartments.com".*?>steady<', domains, re.DOTALL)
    assert "the property&#39;s own" in domains or "the property's own" in domains
    recs = section(html, "recommendations")
    assert "priority" in recs and "impact" in recs
    # Recent audits link to their pages, with their status in words.
    recent = section(html, "audits")
    assert recent.count("/app/audits/") >= 2 and "completed" in recent
    # The forms: start now, start with options, the panel, the schedule (Temporal is down).
    assert '<button type="submit">Start audit</button>' in html
    assert '<button type="submit">Start audit with these options</button>' in html
    assert 'name="surfaces" value="openai"' in html and 'name="samples_per_query"' in html
    assert "Temporal is unavailable" in section(html, "schedule")
    for question in QUESTIONS:
        assert question in section(html, "panel")
    # Every field has its label; headings go down one level at a time.
    assert unlabelled(html) == []
    levels = [int(h) for h in re.findall(r"<h([1-6])\b", html)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_the_matrix_places_each_question(api: Api) -> None:
    prop = seeded(api)
    matrix = section(api.client.get(f"/app/properties/{prop}").text, "matrix")
    regions = {
        place: matrix[matrix.index(f'data-place="{place}"') :].split("</section>")[0]
        for place in ("dominate", "defend", "improve", "expand")
    }
    # Named first by both surfaces in the latest audit: visibility 100 %, rank 1.
    assert QUESTIONS[0] in regions["dominate"]
    # Named by both, but fourth.
    assert QUESTIONS[1] in regions["defend"]
    # Named first by one surface of two: half the answers name it, in the top 3.
    assert QUESTIONS[3] in regions["dominate"]
    # Never named.
    assert QUESTIONS[2] in regions["expand"]
    assert "No question here" in regions["improve"]
    for place in regions:
        assert "answers" in regions[place]  # each region says what it means
    assert sum(matrix.count(q) for q in QUESTIONS) == len(QUESTIONS)


def test_questions_are_placed_by_their_usable_answers() -> None:
    def cell(present: bool, rank: int | None = None, error: str | None = None) -> QueryCell:
        return sample.cell(presence=present, rank=rank, error=error)

    rows = [
        # Named once in three, second: rarely named but high when it is.
        QueryRow(
            text="rare but high",
            type="local",
            cells={"a": cell(True, 2), "b": cell(False), "c": cell(False)},
        ),
        # The failed answer says nothing: named in both answers that came, fifth.
        QueryRow(
            text="often but low",
            type="category",
            cells={"a": cell(True, 5), "b": cell(True, 5), "c": cell(False, error="HTTP 500")},
        ),
        QueryRow(text="all failed", type="faq", cells={"a": cell(False, error="timeout")}),
    ]
    placed = place_questions(rows)
    assert [q.question for q in placed["improve"]] == ["rare but high"]
    assert placed["improve"][0].visibility_pct == 33.3
    assert [(q.question, q.visibility_pct) for q in placed["defend"]] == [("often but low", 100.0)]
    assert not placed["dominate"] and not placed["expand"]  # "all failed" is not placed


def test_an_imbalance_is_more_than_ten_points() -> None:
    def card(surface: str, score: float, visibility: float) -> SurfaceCard:
        return sample.card(surface, overall_score=score, visibility_pct=visibility)

    assert imbalances([card("openai", 60.0, 50.0), card("claude", 50.0, 40.0)]) == []
    said = imbalances([card("openai", 60.5, 50.0), card("claude", 50.0, 75.0)])
    assert said == [
        "openai scores the property 10.5 points higher than claude.",
        "The property is named in 25.0 points more of claude's answers than of openai's.",
    ]
    assert imbalances([card("openai", 90.0, 90.0)]) == []


def test_text_from_answers_is_escaped_in_tables_and_charts(api: Api) -> None:
    evil = '<img src=x onerror="alert(1)">'

    answer = {"openai": {QUESTIONS[0]: block(["AMLI Aero", evil], ["amli.com"])}}
    prop, _ = seed_property(api, QUESTIONS[:1], [AuditSpec(answers=answer) for _ in range(2)])
    html = api.client.get(f"/app/properties/{prop}").text
    assert "&lt;img src=x" in section(html, "competitors")
    assert evil not in html and "<img" not in html


def test_the_page_renders_without_any_audit(api: Api) -> None:
    prop = seeded(api, audits=False)
    page = api.client.get(f"/app/properties/{prop}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "<svg" not in html  # no empty chart: a sentence says what will come
    assert "No completed audit yet" in section(html, "history")
    for anchor in ("surfaces", "types", "matrix", "competitors", "domains", "recommendations"):
        assert 'class="empty"' in section(html, anchor), anchor
    assert "No audit yet" in section(html, "audits")
    assert '<button type="submit">Start audit</button>' in html


def test_an_unknown_or_malformed_id_is_a_404_page(api: Api) -> None:
    for path in ("/app/properties/not-an-id", f"/app/properties/{uuid.uuid4()}"):
        page = api.client.get(path)
        assert page.status_code == 404
        assert page.headers["content-type"].startswith("text/html")
        assert "Not found" in page.text


def test_start_audit_without_temporal_says_so_and_keeps_nothing(api: Api) -> None:
    prop = seeded(api, audits=False)
    token = csrf_of(api.client, f"/app/properties/{prop}")
    page = api.client.post(
        f"/app/properties/{prop}/audits", data={"csrf": token}, follow_redirects=False
    )
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert "The audit was not started" in page.text and "Temporal is unavailable" in page.text
    assert page.headers.get("retry-after") == "5"
    assert count(api, Audit) == 0
    # The options form goes the same way once its choices are valid.
    chosen = {"csrf": token, "options": "1", "surfaces": ["openai"], "mode": "natural"}
    again = api.client.post(f"/app/properties/{prop}/audits", data={**chosen})
    assert again.status_code == 503 and count(api, Audit) == 0


def test_start_audit_spends_the_paid_work_allowance(tmp_path: Path) -> None:
    with dashboard(tmp_path, rate_limit_paid="1/minute") as api:
        c = api.client
        prop = seeded(api, audits=False)
        token = csrf_of(c, f"/app/properties/{prop}")
        assert c.post(f"/app/properties/{prop}/audits", data={"csrf": token}).status_code == 503
        limited = c.post(f"/app/properties/{prop}/audits", data={"csrf": token})
        assert limited.status_code == 429 and "Too many requests" in limited.text
        assert limited.headers["content-type"].startswith("text/html")


def test_start_audit_needs_the_forms_csrf_token(api: Api) -> None:
    prop = seeded(api, audits=False)
    csrf_of(api.client, f"/app/properties/{prop}")
    for sent in ({}, {"csrf": "forged"}):
        refused = api.client.post(f"/app/properties/{prop}/audits", data=sent)
        assert refused.status_code == 403
        assert "did not come from the dashboard" in refused.text
    assert count(api, Audit) == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"samples_per_query": "9"}, "Samples per question"),
        ({"samples_per_query": "two"}, "Samples per question"),
        ({"max_cost_usd": "-3"}, "Budget"),
        ({"mode": "shouting"}, "Mode"),
        ({"surfaces": []}, "Choose at least one surface"),
        ({"surfaces": ["nowhere"]}, "unknown surfaces"),
        ({"max_cost_usd": "5000"}, "above this deployment"),
    ],
)
def test_bad_audit_options_come_back_with_what_to_fix(
    api: Api, options: dict[str, Any], message: str
) -> None:
    prop = seeded(api, audits=False)
    token = csrf_of(api.client, f"/app/properties/{prop}")
    data = {"csrf": token, "options": "1", "surfaces": ["openai", "claude"], **options}
    page = api.client.post(f"/app/properties/{prop}/audits", data=data)
    assert page.status_code == 422, page.text
    assert "The audit was not started" in page.text and message in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert count(api, Audit) == 0


def test_the_panel_is_edited_from_the_page(api: Api) -> None:
    prop = seeded(api, audits=False, amenities=["rooftop pool"])
    client = api.client
    token = csrf_of(client, f"/app/properties/{prop}")
    base = f"/app/properties/{prop}/queries"

    added = client.post(base, data={"csrf": token, "text": "Quiet apartments near Balboa Park"})
    assert added.status_code == 200 and "Added:" in added.text  # followed to the page
    assert "Quiet apartments near Balboa Park" in section(added.text, "panel")
    # The API's rules: too short, or already there.
    short = client.post(base, data={"csrf": token, "text": "hi", "type": "local"})
    assert short.status_code == 422 and "Question: String should have at least 3" in short.text
    again = client.post(base, data={"csrf": token, "text": QUESTIONS[0], "type": "local"})
    assert again.status_code == 409 and "already in the panel" in again.text

    rows = questions_of(api, prop)
    first = rows[QUESTIONS[0]]
    edited = client.post(
        f"{base}/{first}",
        data={"csrf": token, "text": "Best apartments in Hillcrest", "type": "local"},
    )
    assert edited.status_code == 200 and "Best apartments in Hillcrest" in edited.text
    clash = client.post(
        f"{base}/{first}", data={"csrf": token, "text": QUESTIONS[1], "type": "local"}
    )
    assert clash.status_code == 409 and "another query already has this text" in clash.text.lower()

    off = client.post(f"{base}/{first}/active", data={"csrf": token, "is_active": "false"})
    assert off.status_code == 200 and "Deactivated" in off.text
    assert re.search(rf'data-query="{first}" data-active="no"', off.text)
    on = client.post(f"{base}/{first}/active", data={"csrf": token, "is_active": "true"})
    assert re.search(rf'data-query="{first}" data-active="yes"', on.text)

    regenerated = client.post(f"{base}/generate", data={"csrf": token})
    assert regenerated.status_code == 200 and "The panel was regenerated" in regenerated.text
    after = questions_of(api, prop)
    assert len(after) > len(rows) + 1 and "Best apartments in Hillcrest" in after
    assert any("rooftop pool" in text.lower() for text in after)
    # Without the token nothing changes.
    assert client.post(base, data={"text": "Forged question here"}).status_code == 403
    assert "Forged question here" not in questions_of(api, prop)


def test_a_question_of_another_property_is_not_found_here(api: Api) -> None:
    mine, other = seeded(api, audits=False), seeded(api, audits=False, name="Other Place")
    token = csrf_of(api.client, f"/app/properties/{mine}")
    theirs = questions_of(api, other)[QUESTIONS[0]]
    page = api.client.post(
        f"/app/properties/{mine}/queries/{theirs}/active",
        data={"csrf": token, "is_active": "false"},
    )
    assert page.status_code == 404


def test_a_property_is_created_from_the_form(api: Api) -> None:
    client = api.client
    form = client.get("/app/properties/new")
    assert form.status_code == 200 and "<h1>Add a property</h1>" in form.text
    for name in ("name", "website_url", "street", "city", "state", "zip", "amenities"):
        assert f'name="{name}"' in form.text
    assert unlabelled(form.text) == []
    token = csrf_in(form.text)
    created = client.post(
        "/app/properties",
        data={
            "csrf": token,
            "name": "Modera Hillcrest",
            "website_url": "moderahillcrest.com",
            "street": "1 Main St",
            "city": "San Diego",
            "state": "CA",
            "zip": "92103",
            "amenities": "rooftop pool, EV charging",
            "competitors": "Avalon La Jolla, avaloncommunities.com\nAlta",
            "generate": "on",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    target = created.headers["location"]
    assert target.startswith("/app/properties/")
    page = client.get(target)
    assert page.status_code == 200 and "Modera Hillcrest</h1>" in page.text
    assert "was created" in page.text
    prop = property_named(api, "Modera Hillcrest")
    assert prop.website_url == "https://moderahillcrest.com/"
    assert prop.brand_domains == ["moderahillcrest.com"]
    assert prop.amenities == ["rooftop pool", "EV charging"]
    assert prop.competitors == [
        {"name": "Avalon La Jolla", "domain": "avaloncommunities.com"},
        {"name": "Alta", "domain": ""},
    ]
    assert len(questions_of(api, prop.id)) > 5  # its panel was generated


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Name: String should have at least 1 character"),
        ({"competitors": "Rival, com"}, "Competitors, line 1"),
        ({"website_url": "http://"}, "Website"),
        ({"amenities": "x" * 130}, "Amenities, item 1"),
    ],
)
def test_a_bad_property_form_comes_back_with_what_to_fix(
    api: Api, fields: dict[str, str], message: str
) -> None:
    token = csrf_of(api.client)
    data = {"csrf": token, "name": "Kept Name", "city": "San Diego", **fields}
    page = api.client.post("/app/properties", data=data)
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "The property was not created" in page.text and message in page.text
    assert 'value="San Diego"' in page.text  # what was typed stays
    assert count(api, Property) == 0


def test_the_profile_is_edited_from_the_page(api: Api) -> None:
    prop = seeded(api, audits=False)
    token = csrf_of(api.client, f"/app/properties/{prop}")
    data = {"csrf": token, "name": "AMLI Aero", "city": "San Diego", "state": "CA"}
    saved = api.client.post(
        f"/app/properties/{prop}/profile", data={**data, "amenities": "gym, sauna"}
    )
    assert saved.status_code == 200 and "The profile was saved" in saved.text
    assert property_named(api, "AMLI Aero").amenities == ["gym", "sauna"]
    bad = api.client.post(f"/app/properties/{prop}/profile", data={**data, "name": ""})
    assert bad.status_code == 422 and "Name: String should have" in bad.text
    assert property_named(api, "AMLI Aero").amenities == ["gym", "sauna"]


def test_the_schedule_form_says_when_temporal_is_down(api: Api) -> None:
    prop = seeded(api, audits=False)
    token = csrf_of(api.client, f"/app/properties/{prop}")
    url = f"/app/properties/{prop}/schedule"
    neither = api.client.post(url, data={"csrf": token})
    assert neither.status_code == 422 and "either an interval in minutes or a cron" in neither.text
    tiny = api.client.post(url, data={"csrf": token, "interval_minutes": "1"})
    assert tiny.status_code == 422 and "Every (minutes)" in tiny.text
    down = api.client.post(url, data={"csrf": token, "interval_minutes": "1440"})
    assert down.status_code == 503 and "Temporal is unavailable" in down.text
    for change in ("pause", "unpause", "delete"):
        page = api.client.post(f"{url}/{change}", data={"csrf": token})
        assert page.status_code == 503 and "Temporal is unavailable" in page.text


def test_another_organisations_property_is_not_found(keyed: Api) -> None:
    async def make(sessions: Sessions) -> tuple[uuid.UUID, uuid.UUID, str]:
        async with sessions() as s, s.begin():
            ours, _, key = await create_org(s, "Ours")
            theirs, _, _ = await create_org(s, "Theirs")
            mine = Property(name="Our Place", org_id=ours.id)
            other = Property(name="Their Place", org_id=theirs.id)
            s.add_all([mine, other])
            await s.flush()
            return mine.id, other.id, key

    mine, other, key = keyed.seed(make)
    client = keyed.client
    assert signing_in(client, key).status_code == 303
    assert client.get(f"/app/properties/{mine}").status_code == 200
    hidden = client.get(f"/app/properties/{other}")
    assert hidden.status_code == 404 and "Their Place" not in hidden.text
    token = csrf_of(client, f"/app/properties/{mine}")
    for path in ("audits", "queries/generate", "schedule/delete"):
        assert (
            client.post(f"/app/properties/{other}/{path}", data={"csrf": token}).status_code == 404
        )
    assert count(keyed, Query, Query.property_id == other) == 0
    # A property created from the form belongs to the signed-in organisation.
    client.post("/app/properties", data={"csrf": token, "name": "New Org Place"})
    assert property_named(keyed, "New Org Place").org_id == org_of(keyed, mine)


def test_the_pages_ask_for_a_session_first(keyed: Api) -> None:
    prop = seeded(keyed, audits=False)
    for path in (f"/app/properties/{prop}", "/app/properties/new"):
        response = keyed.client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
