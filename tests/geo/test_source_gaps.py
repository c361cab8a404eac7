"""Page-level source gaps (geo.source_gaps) and the advice that names those pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from geo.brand import BrandMatcher
from geo.profile import BrandContext
from geo.recommendations import QueryFact, recommend
from geo.recommendations.pages import gap_pages
from geo.rivals import AnswerRecord, Link, Rival
from geo.source_gaps import GapPage, normalise_url, source_gaps

T0 = datetime(2026, 11, 1, tzinfo=UTC)
BRAND_CTX = BrandContext(name="AMLI Aero", domains=["amli.com"])
BRAND = BrandMatcher(BRAND_CTX)
VISTA = Rival("vistapark.com", "Vista Park", "vistapark.com")
ELAN = Rival("elan.com", "Elan", "elan.com")
ZILLOW = Rival("zillow.com", "Zillow Rentals", "zillow.com", listed=False, aggregator=True)
RIVALS = [VISTA, ELAN, ZILLOW]
AERO_E, VISTA_E, ELAN_E = ("AMLI Aero", "amli.com"), ("Vista Park", "vistapark.com"), ("Elan", "")


def answer(
    entities: tuple[tuple[str, str], ...],
    links: tuple[Link, ...],
    *,
    question: str = "q1",
    surface: str = "openai",
    day: int = 0,
) -> AnswerRecord:
    named = any(BRAND.is_brand_entity(*e) for e in entities)
    return AnswerRecord(
        "a",
        surface,
        question,
        T0 + timedelta(days=day),
        entities,
        links,
        named,
        1 if named else None,
    )


def test_urls_are_normalised_only_by_host_case_and_a_trailing_slash() -> None:
    assert (
        normalise_url("https://WWW.Yelp.com/Biz/Vista-Park/")
        == "https://www.yelp.com/Biz/Vista-Park"
    )
    assert normalise_url("https://yelp.com/a?b=C/") == "https://yelp.com/a?b=C"
    assert normalise_url("Yelp.COM/x") == "yelp.com/x"
    assert normalise_url("https://yelp.com//") == "https://yelp.com/"


def test_gap_pages_rank_by_questions_and_surfaces_and_are_never_cited_for_the_property() -> None:
    yelp = "https://www.yelp.com/biz/vista-park"
    reddit = "https://reddit.com/r/sandiego/best"
    niche = "https://www.niche.com/sd"
    records = [
        # The yelp page, for Vista Park, in two questions on two surfaces over three days.
        answer((VISTA_E, ELAN_E), (Link(yelp, "Vista Park"),), day=0),
        answer(
            (VISTA_E,), (Link(yelp + "/", "Vista Park"),), question="q2", surface="claude", day=2
        ),
        answer(
            (ELAN_E, VISTA_E),
            (Link("https://WWW.YELP.COM/biz/vista-park", ""),),
            question="q2",
            day=1,
        ),
        # Reddit: no entity_ref, so every listed rival it sits beside is favoured.
        answer((ELAN_E, ("Zillow Rentals", "zillow.com")), (Link(reddit),), question="q3"),
        # Niche is cited beside the property once: never a gap, however often else.
        answer((VISTA_E,), (Link(niche, "Vista Park"),), question="q4"),
        answer((AERO_E, VISTA_E), (Link(niche),), question="q5"),
        # A page of the property's own site is no gap, nor a page cited for the property.
        answer(
            (VISTA_E,), (Link("https://amli.com/about-us"), Link("https://x.com/y", "AMLI Aero"))
        ),
        answer((VISTA_E,), (Link("https://x.com/y"),), question="q6"),
        # A page beside no competitor is nobody's.
        answer((("Cielo", ""),), (Link("https://google.com/maps"),)),
        # A competitor's own page: a gap, marked as its own site.
        answer((VISTA_E,), (Link("https://www.vistapark.com/tour/", "Vista Park"),), question="q7"),
    ]
    gaps = source_gaps(records, BRAND, RIVALS)
    assert [g.url for g in gaps] == [
        "https://www.yelp.com/biz/vista-park",
        "https://reddit.com/r/sandiego/best",
        "https://www.vistapark.com/tour",
    ]
    top = gaps[0]
    assert (top.questions, top.surfaces, top.question_surfaces, top.citations) == (
        2,
        ["claude", "openai"],
        3,
        3,
    )
    # entity_ref names Vista Park twice; the third citation has none: both rivals listed.
    assert top.favoured == [("Vista Park", 3), ("Elan", 1)]
    assert (top.first_seen, top.last_seen) == (T0, T0 + timedelta(days=2))
    assert top.domain == "yelp.com" and not top.rival_site
    assert gaps[1].favoured == [("Elan", 1), ("Zillow Rentals", 1)]
    assert gaps[2].rival_site and gaps[2].favoured == [("Vista Park", 1)]


def gap(url: str, pairs: int, *, rival_site: bool = False) -> GapPage:
    return GapPage(
        url=url,
        domain="yelp.com",
        favoured=[("Alta Heights", 9), ("Elan", 2)],
        questions=5,
        surfaces=["claude", "openai"],
        question_surfaces=pairs,
        citations=9,
        first_seen=T0,
        last_seen=T0,
        rival_site=rival_site,
    )


def test_the_advice_names_the_leading_pages_a_property_can_be_listed_on() -> None:
    gaps = [
        gap("https://www.altaheights.com/tour", 9, rival_site=True),
        gap("https://www.yelp.com/biz/alta-heights", 7),
        gap("https://reddit.com/r/sd", 1),
    ]
    (rec,) = gap_pages(gaps, "AMLI Aero")
    assert rec.title == "Get listed on https://www.yelp.com/biz/alta-heights"
    assert rec.description == (
        "Cited 9 times for Alta Heights (and for 1 other competitor) in 5 questions on claude "
        "and openai, never for AMLI Aero."
    )
    assert rec.pages == ["https://www.yelp.com/biz/alta-heights"] and rec.type == "page_gap"
    assert rec.competitor_context == {"name": "Alta Heights", "citations": 9}
    queries = [QueryFact(query_id="q", text="q", type="category")]
    recs = recommend(queries, [], brand=BRAND_CTX, gaps=gaps)
    assert [r.pages for r in recs if r.pages] == [["https://www.yelp.com/biz/alta-heights"]]
    assert all(r.type != "maintenance" for r in recs)
