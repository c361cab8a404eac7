"""The competitors page: per surface, the property and each competitor over the audits with the
change and who overtook whom, an accessible table linked to the answers; the gap pages; linked
from the property page; another organisation's property, or an unknown id, is a 404 page."""

from __future__ import annotations

import re
import uuid

from db.models import Property
from db.orgs import create_org
from tests.dashboard.conftest import Api, signing_in
from tests.db.rival_audits import three_audits
from tests.factories import Sessions


def rows(html: str, surface: str) -> dict[str, str]:
    """The competitor rows of one surface's table, by name."""
    table = re.search(
        rf'<table class="competitors" data-surface="{surface}">(.*?)</table>', html, re.S
    )
    assert table, f"no table for {surface}"
    return dict(re.findall(r'<tr data-competitor="([^"]+)">(.*?)</tr>', table.group(1), re.S))


def test_the_page_shows_each_competitor_over_time_and_the_gap_pages(api: Api) -> None:
    prop, ids = api.seed(three_audits)
    home = api.client.get(f"/app/properties/{prop}").text
    assert f'href="/app/properties/{prop}/competitors"' in home

    page = api.client.get(f"/app/properties/{prop}/competitors")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "<h1>Competitors of AMLI Aero</h1>" in html
    assert "Overtaken by a competitor" in html and "Vista Park on openai; Modera on openai" in html
    openai = rows(html, "openai")
    assert list(openai) == ["AMLI Aero", "Vista Park", "Modera"]
    assert "the property" in openai["AMLI Aero"]
    vista = openai["Vista Park"]
    assert "▲ up +25.0" in vista and "yes, overtook it" in vista
    assert f"/app/answers?audit_id={ids[2]}&amp;surface=openai&amp;mentions=Vista%20Park" in vista
    assert "100.0 %" in vista and "4/4" in vista and "rank 1.8" in vista  # 1.75, one decimal
    claude = rows(html, "claude")
    assert "▶ steady +0.0" in claude["Vista Park"] and ">no<" in claude["Vista Park"]
    assert "rank –" in claude["Modera"]  # never named on claude: no rank
    # Accessible tables: a caption, column and row headers, a labelled scrolling region.
    assert html.count("<caption") == 3 and 'scope="row"' in html and 'scope="col"' in html
    assert 'role="region" aria-label="Competitors on openai table"' in html
    # The gap pages, linked to the answers citing them.
    assert 'data-url="https://www.reddit.com/page"' in html
    assert f"/app/answers?property_id={prop}&amp;cites=https%3A%2F%2Fwww.reddit.com%2Fpage" in html

    claude_only = api.client.get(f"/app/properties/{prop}/competitors?surface=claude").text
    assert 'data-surface="claude"' in claude_only and 'data-surface="openai"' not in claude_only
    assert "Overtaken by a competitor" not in claude_only


def test_a_property_without_audits_says_so(api: Api) -> None:
    async def make(sessions: Sessions) -> uuid.UUID:
        async with sessions() as s, s.begin():
            prop = Property(name="New Place")
            s.add(prop)
            await s.flush()
            return prop.id

    html = api.client.get(f"/app/properties/{api.seed(make)}/competitors").text
    assert "No closed audit scored by today's rules yet" in html
    assert "No page is cited for a competitor" in html


def test_unknown_malformed_and_foreign_ids_are_a_404_page(api: Api, keyed: Api) -> None:
    for path in ("not-an-id", str(uuid.uuid4())):
        page = api.client.get(f"/app/properties/{path}/competitors")
        assert page.status_code == 404 and "Not found" in page.text

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
    assert signing_in(keyed.client, key).status_code == 303
    assert keyed.client.get(f"/app/properties/{mine}/competitors").status_code == 200
    hidden = keyed.client.get(f"/app/properties/{other}/competitors")
    assert hidden.status_code == 404 and "Their Place" not in hidden.text
