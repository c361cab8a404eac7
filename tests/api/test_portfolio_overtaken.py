"""`GET /portfolio` (and the dashboard's portfolio) raise "Overtaken by a competitor" from the
latest audit's stored analysis, in the same fixed number of statements."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.db.overtaken_audits import BANNER, overtaken_audits
from tests.factories import Sessions


def test_the_portfolio_counts_an_overtake_as_a_competitive_alert(api: Api) -> None:
    async def make(sessions: Sessions) -> object:
        prop, _ = await overtaken_audits(sessions, tags=["lofts"])
        return prop

    prop = api.seed(make)
    body = api.client.get("/portfolio", params={"group_by": "tag"}).json()
    (group,) = body["groups"]
    (held,) = group["properties"]
    assert held["property_id"] == str(prop)
    overtaken = [a for a in held["alerts"] if a["title"] == "Overtaken by a competitor"]
    assert overtaken == [
        {"level": "competitive", "title": "Overtaken by a competitor", "detail": BANNER}
    ]
    competitive = sum(a["level"] == "competitive" for a in held["alerts"])
    assert group["alerts"]["competitive"] == competitive >= 1

    page = api.client.get("/")
    assert page.status_code == 200
    assert "Competitive: Overtaken by a competitor" in page.text and BANNER in page.text
