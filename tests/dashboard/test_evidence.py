"""The evidence page (/app/answers) and the figures that link to it: the audit page's scorecard
and split tables, the property page's standing, history, comparison and locations; all for the
viewer's own properties only."""

from __future__ import annotations

import csv
import io
import re
import uuid
from html import unescape

from tests.api.evidence_seed import Q2, Seeded, evidence_audit, evidence_property, seed_evidence
from tests.dashboard.conftest import KEY, Api, sign_in
from tests.factories import Sessions

SAN_DIEGO = {"city": "San Diego", "region": "CA", "country": "US"}


def seeded_with_location(api: Api) -> Seeded:
    async def make(sessions: Sessions) -> Seeded:
        prop = await evidence_property(sessions)
        return await evidence_audit(sessions, prop, location=SAN_DIEGO)

    result: Seeded = api.seed(make)
    return result


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def articles(html: str) -> dict[str, str]:
    """answer id -> its article's HTML."""
    return dict(
        re.findall(
            r'<article class="card answer" id="answer-([^"]+)".*?>(.*?)</article>', html, re.S
        )
    )


def test_the_page_lists_the_answers_with_their_evidence(api: Api) -> None:
    seeded = seeded_with_location(api)
    run = seeded.runs["openai"]
    page = api.client.get(f"/app/answers?run_id={run}&query_id={seeded.queries[Q2.text]}")
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    ((answer_id, html),) = articles(page.text).items()
    api_answer = api.client.get(f"/answers?run_id={run}&query_id={seeded.queries[Q2.text]}").json()
    assert api_answer[0]["id"] == answer_id
    assert Q2.text in html and 'data-field="persona">families<' in html
    assert 'data-field="language">en<' in html
    assert "<strong>Named</strong> at rank 2" in html
    # The places in the answer's order, the brand marked.
    places = re.findall(r"<li[^>]*>(?:<mark>)?([^<]+)", html)[:2]
    assert [p.strip() for p in places] == ["Vista Park", "AMLI Aero"]
    assert "<mark>AMLI Aero</mark>" in html
    assert 'href="https://www.vistapark.com/page"' in html
    assert f"/workflows/audit-{seeded.audit_id}-openai" in html
    assert "What the surface said" in html
    assert 'data-field="total">1 answer<' in page.text
    assert f'href="/app/audits/{seeded.audit_id}"' in page.text


def test_filters_paging_and_the_csv_export(api: Api) -> None:
    seeded = seed(api)
    base = f"/app/answers?audit_id={seeded.audit_id}"
    everything = api.client.get(base).text
    assert 'data-field="total">9 answers<' in everything
    spanish = api.client.get(base + "&language=es&persona=").text
    assert len(articles(spanish)) == 2  # openai Q3 and claude Q3
    assert 'data-filter="language">language: es' in spanish
    assert 'data-filter="persona">persona: any renter' in spanish
    removed = [h for h in hrefs(spanish) if h.startswith("/app/answers?") and "language" not in h]
    assert f"/app/answers?audit_id={seeded.audit_id}&persona=" in removed
    named = api.client.get(base + "&present=true").text
    assert set(re.findall(r'data-present="(\w+)"', named)) == {"true"}
    errors = api.client.get(base + "&status=error").text
    assert "No answer: HTTP 500" in errors
    csv_link = next(h for h in hrefs(everything) if h.startswith("/app/answers/export"))
    exported = api.client.get(csv_link)
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["answer_id"] for r in rows] == [
        a["id"] for a in api.client.get(f"/answers?audit_id={seeded.audit_id}").json()
    ]


def test_pages_of_twenty_five(api: Api) -> None:
    async def make(sessions: Sessions) -> list[Seeded]:
        prop = await evidence_property(sessions)
        return [await evidence_audit(sessions, prop) for _ in range(3)]

    made: list[Seeded] = api.seed(make)
    base = f"/app/answers?property_id={made[0].property_id}"
    first = api.client.get(base).text
    assert 'data-field="total">27 answers, 1–25 shown<' in first
    assert len(articles(first)) == 25
    following = next(h for h in hrefs(first) if "offset=25" in h)
    second = api.client.get(following).text
    assert len(articles(second)) == 2 and "1–25" not in second
    assert not set(articles(first)) & set(articles(second))
    assert any("offset=0" in h for h in hrefs(second))


def seed(api: Api) -> Seeded:
    result: Seeded = api.seed(seed_evidence)
    return result


def test_bad_or_foreign_searches_are_error_pages(api: Api) -> None:
    unscoped = api.client.get("/app/answers?surface=openai")
    assert unscoped.status_code == 422 and "<html" in unscoped.text
    assert api.client.get(f"/app/answers?audit_id={uuid.uuid4()}").status_code == 404
    assert api.client.get("/app/answers?audit_id=nope").status_code == 422


def test_the_audit_page_links_its_figures_and_splits_them(api: Api) -> None:
    seeded = seeded_with_location(api)
    html = api.client.get(f"/app/audits/{seeded.audit_id}").text
    assert 'asked from <span data-field="location">San Diego, CA, US</span>' in html
    for surface, run in seeded.runs.items():
        row = re.search(rf'<tr data-surface="{surface}">(.*?)</tr>', html, re.S)
        assert row
        links = hrefs(row.group(1))
        assert f"/app/answers?run_id={run}" in links
        assert f"/app/answers?run_id={run}&present=true" in links
        assert any(h.endswith(f"/workflows/audit-{seeded.audit_id}-{surface}") for h in links)
    persona = re.search(r'<table class="split" data-split="persona">(.*?)</table>', html, re.S)
    language = re.search(r'<table class="split" data-split="language">(.*?)</table>', html, re.S)
    assert persona and language
    segments = api.client.get(f"/audits/{seeded.audit_id}/segments").json()
    openai = next(s for s in segments["surfaces"] if s["surface"] == "openai")
    families = next(s for s in openai["by_persona"] if s["key"] == "families")
    row = re.search(r'<tr data-segment="families">(.*?)</tr>', persona.group(1), re.S)
    assert row and families["dashboard_url"] in hrefs(row.group(1))
    cell = re.search(r'data-surface="openai" data-field="score">(.*?)</td>', row.group(1), re.S)
    assert cell and f"{families['overall_score']:.1f}" in cell.group(1)
    for link in [h for h in hrefs(html) if h.startswith("/app/answers?")]:
        assert api.client.get(link).status_code == 200, link
    report = api.client.get(f"/app/audits/{seeded.audit_id}/report?format=markdown").text
    assert f"](/app/answers?run_id={seeded.runs['openai']})" in report


def test_the_property_page_links_its_figures(api: Api) -> None:
    async def make(sessions: Sessions) -> tuple[uuid.UUID, list[Seeded]]:
        prop = await evidence_property(sessions)
        return prop, [
            await evidence_audit(sessions, prop, location=SAN_DIEGO),
            await evidence_audit(sessions, prop),
        ]

    prop, (located, latest) = api.seed(make)
    html = api.client.get(f"/app/properties/{prop}").text
    links = hrefs(html)
    for surface, run in latest.runs.items():
        assert f"/app/answers?run_id={run}" in links  # the standing and the comparison
        assert f"/app/answers?run_id={run}&present=true" in links
        assert f"/app/answers?audit_id={located.audit_id}&surface={surface}" in links
    places = re.search(r'<section id="locations".*?</section>', html, re.S)
    assert places and 'data-location="san diego, ca, us"' in places.group(0)
    assert 'data-location="unspecified"' in places.group(0)
    for link in {h for h in links if h.startswith("/app/answers?")}:
        assert api.client.get(link).status_code == 200, link


def test_an_organisation_sees_only_its_own_answers(keyed: Api) -> None:
    admin = {"X-API-Key": KEY}
    a, b = (keyed.client.post("/orgs", json={"name": n}, headers=admin).json() for n in "AB")

    async def make(sessions: Sessions) -> Seeded:
        return await seed_evidence(sessions, uuid.UUID(a["org_id"]))

    mine: Seeded = keyed.seed(make)
    assert sign_in(keyed.client, b["api_key"]) == 303
    assert keyed.client.get(f"/app/answers?audit_id={mine.audit_id}").status_code == 404
    assert keyed.client.get(f"/app/answers/export?run_id={mine.runs['openai']}").status_code == 404
    keyed.client.cookies.clear()
    assert sign_in(keyed.client, a["api_key"]) == 303
    own = keyed.client.get(f"/app/answers?audit_id={mine.audit_id}")
    assert own.status_code == 200 and len(articles(own.text)) == 9
