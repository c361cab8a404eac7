"""The portfolio and the audit page over a seeded database (no Temporal behind the API): what
they show equals what the API answers, escaped; the live page polls and backs off."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from api.dashboard.audits import next_delay
from db.models import Audit
from tests.dashboard.conftest import Api, csrf_of, seed_property
from tests.factories import AuditSpec, Sessions, block

Q1, Q2 = "Best apartments in Kearny Mesa", "Apartments with a pool in Kearny Mesa"
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def audited(
    api: Api, name: str, city: str, *answers: list[str], status: str = "completed"
) -> tuple[str, list[str]]:
    """A property asked Q1 and Q2, with an audit a day per list of names the answers give (the
    last one `status`)."""
    specs = [
        AuditSpec(
            answers={
                s: {Q1: block(names, ["amli.com"]), Q2: block(names[::-1])}
                for s in ("openai", "claude")
            },
            created_at=T0 + timedelta(days=day),
            status=status if day == len(answers) - 1 else "completed",
        )
        for day, names in enumerate(answers)
    ]
    prop, audits = seed_property(api, [Q1, Q2], specs, name=name, city=city)
    return str(prop), [str(a) for a in audits]


def cells(html: str, field: str) -> dict[str, str]:
    """`surface -> text` of the `data-field` cells of rows marked with `data-surface`."""
    found = {}
    for row in re.findall(r'<tr data-surface="([^"]+)">(.*?)</tr>', html, re.S):
        cell = re.search(rf'data-field="{field}">(.*?)</td>', row[1], re.S)
        if cell:
            found[row[0]] = re.sub(r"<[^>]+>", "", cell.group(1)).strip()
    return found


def test_the_portfolio_lists_scores_as_the_api_gives_them(api: Api) -> None:
    aero, _ = audited(api, "AMLI Aero", "San Diego", ["AMLI Aero", "The Grove"])
    never, _ = audited(api, "Lakeside Lofts", "Austin")
    page = api.client.get("/").text
    score = api.client.get(f"/properties/{aero}/score").json()
    row = re.search(rf'<tr data-property="{aero}">(.*?)</tr>', page, re.S)
    assert row and f"{score['overall_score']:.1f}" in row.group(1)
    assert f'href="/app/properties/{aero}"' in page
    lakeside = re.search(rf'<tr data-property="{never}">(.*?)</tr>', page, re.S)
    assert lakeside and "never" in lakeside.group(1)


def test_filter_by_city_and_sort_by_score(api: Api) -> None:
    high, _ = audited(api, "AMLI Aero", "San Diego", ["AMLI Aero"])
    low, _ = audited(api, "Harbor View", "Austin", ["The Grove", "Harbor View"])
    assert "Harbor View" not in api.client.get("/", params={"q": "san diego"}).text
    ordered = api.client.get("/", params={"sort": "score", "order": "desc"}).text
    assert ordered.index(high) < ordered.index(low)
    ordered = api.client.get("/", params={"sort": "score", "order": "asc"}).text
    assert ordered.index(low) < ordered.index(high)
    assert api.client.get("/", params={"sort": "nonsense"}).status_code == 422


def test_alert_banners_follow_the_latest_figures(api: Api) -> None:
    unseen, _ = audited(api, "Quiet Place", "Austin", ["The Grove", "Harbor View"])
    page = api.client.get("/").text
    assert "Warning: Low visibility" in page and "Quiet Place" in page


def test_a_closed_audit_shows_the_api_scores_answers_and_reports(api: Api) -> None:
    _, (audit,) = audited(api, "AMLI Aero", "San Diego", ["The Grove", "AMLI Aero"])
    page = api.client.get(f"/app/audits/{audit}")
    assert page.status_code == 200
    state = api.client.get(f"/audits/{audit}").json()
    expected = {r["surface"]: f"{r['score']:.1f}" for r in state["runs"]}
    assert cells(page.text, "score") == expected
    assert 'data-status="completed"' in page.text and "hx-trigger" not in page.text
    assert Q1 in page.text and "The Grove" in page.text
    for fmt, kind in (("html", "text/html"), ("markdown", "text/markdown")):
        assert f"/app/audits/{audit}/report?format={fmt}" in page.text
        report = api.client.get(f"/app/audits/{audit}/report", params={"format": fmt})
        assert report.status_code == 200 and report.headers["content-type"].startswith(kind)


def test_what_a_model_wrote_is_escaped_and_only_web_links_are_links(api: Api) -> None:
    answer = block(["<script>alert(1)</script>", "AMLI Aero"], ["amli.com"])
    evil = answer.citations[0].model_copy(update={"url": "javascript:alert(1)"})
    answer = answer.model_copy(update={"citations": [evil, *answer.citations]})
    _, (audit,) = seed_property(api, [Q1], [AuditSpec(answers={"openai": {Q1: answer}})])
    page = api.client.get(f"/app/audits/{audit}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # Citations are shown by their host (what the score counts), as text.
    assert 'href="javascript:' not in page and "<li>amli.com</li>" in page


def test_an_open_audit_polls_itself_and_offers_pause_and_cancel(api: Api) -> None:
    _, (audit,) = audited(api, "AMLI Aero", "San Diego", ["AMLI Aero"], status="running")
    page = api.client.get(f"/app/audits/{audit}").text
    assert 'hx-trigger="load delay:1.0s"' in page
    assert ">Pause</button>" in page and ">Cancel</button>" in page and ">Resume<" not in page
    later = api.client.get(f"/app/audits/{audit}/live", params={"polls": 3}).text
    assert f'hx-trigger="load delay:{next_delay(3)}s"' in later and "<html" not in later
    assert [next_delay(n) for n in range(6)] == [1.0, 1.5, 2.25, 3.38, 5.0, 5.0]


def test_a_signal_while_temporal_is_down_is_a_page_that_says_so(api: Api) -> None:
    _, (audit,) = audited(api, "AMLI Aero", "San Diego", ["AMLI Aero"], status="running")
    token = csrf_of(api.client, f"/app/audits/{audit}")
    refused = api.client.post(f"/app/audits/{audit}/pause", data={"csrf": token})
    assert refused.status_code == 503 and "Temporal is unavailable" in refused.text
    assert "<h1>Try again shortly</h1>" in refused.text


def test_an_unknown_audit_is_a_404_page(api: Api) -> None:
    missing = api.client.get(f"/app/audits/{uuid.uuid4()}")
    assert missing.status_code == 404 and "<h1>Not found</h1>" in missing.text


def test_a_just_closed_audit_keeps_asking_until_its_summary_is_written(api: Api) -> None:
    _, (audit,) = audited(api, "AMLI Aero", "San Diego", ["AMLI Aero"])

    def closed_now(summary: dict[str, object] | None) -> None:
        async def write(sessions: Sessions) -> None:
            async with sessions() as s, s.begin():
                values = {"finished_at": datetime.now(UTC), "summary": summary}
                await s.execute(update(Audit).where(Audit.id == uuid.UUID(audit)).values(**values))

        api.seed(write)

    closed_now(None)
    waiting = api.client.get(f"/app/audits/{audit}").text
    assert "hx-trigger" in waiting and "being written" in waiting
    closed_now({"source": "rules", "summary": "Visible on every surface."})
    written = api.client.get(f"/app/audits/{audit}/live").text
    assert "hx-trigger" not in written and "Visible on every surface." in written
