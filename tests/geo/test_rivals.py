"""Competitors over time (geo.rivals): each rival's figures per audit and surface, matched the
way the brand is, the most named places discovered, and who overtook the property."""

from __future__ import annotations

from datetime import UTC, datetime

from geo.brand import BrandMatcher
from geo.overtaking import overtaken
from geo.profile import BrandContext, Competitor
from geo.rivals import (
    PROPERTY_KEY,
    AnswerRecord,
    Figures,
    Link,
    Rival,
    RivalMatcher,
    beats,
    competitor_set,
    discover,
    is_aggregator,
    listed_rivals,
    property_figures,
    rival_figures,
    table,
)

AT = datetime(2026, 11, 1, tzinfo=UTC)
BRAND = BrandMatcher(BrandContext(name="AMLI Aero", domains=["amli.com"]))
VISTA = Rival("vistapark.com", "Vista Park", "vistapark.com")


def answer(
    *entities: tuple[str, str],
    links: tuple[str, ...] = (),
    audit: str = "a1",
    surface: str = "openai",
    question: str = "q",
) -> AnswerRecord:
    """An answer listing `entities`; the property's verdicts as the scorer would store them."""
    rank = next((i for i, e in enumerate(entities, 1) if BRAND.is_brand_entity(*e)), None)
    cites = tuple(Link(u, is_brand=BRAND.url_is_brand(u)) for u in links)
    sov = sum(c.is_brand for c in cites) / len(cites) if cites else None
    return AnswerRecord(audit, surface, question, AT, entities, cites, rank is not None, rank, sov)


AERO = ("AMLI Aero", "amli.com")
VISTA_E = ("Vista Park", "vistapark.com")


def test_figures_count_mentions_rank_and_share_of_voice_like_the_propertys() -> None:
    records = [
        answer(AERO, VISTA_E, links=("https://amli.com/aero", "https://www.vistapark.com/")),
        answer(("Vista Park Apartments", "vistapark.com"), AERO, links=("https://yelp.com/x",)),
        answer(AERO),
        answer(("Elan", "elan.com"), links=("https://vistapark.com/floorplans",)),
    ]
    assert rival_figures(records, RivalMatcher(VISTA)) == Figures(
        mentions=2, answers=4, visibility=50.0, avg_rank=1.5, sov=round((0.5 + 0 + 1) / 3, 4)
    )
    assert property_figures(records) == Figures(3, 4, 75.0, round(4 / 3, 2), round(0.5 / 3, 4))
    # Without a domain no citation can be its own: no share of voice rather than a zero.
    nameless = RivalMatcher(Rival("name:vista park", "Vista Park"))
    assert rival_figures(records, nameless).sov is None
    assert rival_figures([], RivalMatcher(VISTA)) == Figures(0, 0, 0.0, None, None)


def test_a_rival_is_matched_by_name_and_domain_but_not_by_its_site_suffix() -> None:
    listing = RivalMatcher(Rival("apartments.com", "Apartments.com", "apartments.com", False, True))
    assert listing.is_brand_entity("Apartments.com", "")
    assert listing.is_brand_entity("Apartments listing", "apartments.com")
    assert not listing.is_brand_entity("Rent.com", "rent.com")
    assert not listing.is_brand_entity("Alta Heights", "altaheightsapartments.com")
    vista = RivalMatcher(VISTA)
    assert vista.is_brand_entity("Vista Park Apartments", "")
    assert not vista.is_brand_entity("Vista Commons", "vistacommons.com")
    assert vista.cites("https://sandiego.vistapark.com/tour")
    assert not vista.cites("https://vistaparkliving.com/")


def test_aggregators_are_judged_by_domain() -> None:
    assert is_aggregator("www.zillow.com") and is_aggregator("sandiego.apartments.com")
    assert not is_aggregator("altaheightsapartments.com") and not is_aggregator("")


def test_listed_competitors_sharing_an_operators_domain_stay_apart() -> None:
    rivals = listed_rivals(
        [
            Competitor(name="Avalon La Jolla", domain="avaloncommunities.com"),
            Competitor(name="Avalon Mission Valley", domain="https://www.avaloncommunities.com"),
            Competitor(name="Zillow Rentals", domain="zillow.com"),
        ]
    )
    assert [r.key for r in rivals] == [
        "name:avalon la jolla",
        "name:avalon mission valley",
        "zillow.com",
    ]
    assert [r.aggregator for r in rivals] == [False, False, True]
    assert all(r.listed for r in rivals)


def test_the_most_named_other_places_are_discovered_not_the_brand_nor_the_listed() -> None:
    elan, sola = ("Elan", "elan.com"), ("Sola Flats", "solaflats.com")
    records = [
        answer(AERO, VISTA_E, elan, sola, ("Apartments.com", "apartments.com")),
        answer(("Aero by AMLI", "amli.com"), ("ELAN", "elan.com"), sola),
        answer(elan, ("Cielo", "")),
        answer(sola, elan),
    ]
    found = discover(records, BRAND, [VISTA], limit=3)
    # Elan: 4 answers; Sola Flats: 3; then Apartments.com and Cielo (1 each) by rank, then key.
    assert [(r.key, r.name) for r in found] == [
        ("elan.com", "Elan"),
        ("solaflats.com", "Sola Flats"),
        ("name:cielo", "Cielo"),
    ]
    assert not any(r.listed for r in found)
    every = competitor_set(
        [Competitor(name="Vista Park", domain="vistapark.com")], records, "a1", BRAND
    )
    assert [r.name for r in every][:1] == ["Vista Park"] and len(every) == 5
    assert next(r for r in every if r.name == "Apartments.com").aggregator


def test_a_rival_beats_on_visibility_then_on_rank() -> None:
    prop = Figures(2, 4, 50.0, 1.5, None)
    assert beats(Figures(3, 4, 75.0, 4.0, None), prop)
    assert beats(Figures(2, 4, 50.0, 1.0, None), prop)
    assert not beats(Figures(2, 4, 50.0, 1.5, None), prop)
    assert not beats(Figures(0, 4, 0.0, None, None), Figures(0, 4, 0.0, None, None))
    assert beats(Figures(1, 4, 25.0, 3.0, None), Figures(0, 4, 25.0, None, None))


def test_overtaking_needs_the_lead_now_and_not_in_the_audit_before() -> None:
    def audit(audit_id: str, *answers: tuple[tuple[str, str], ...]) -> list[AnswerRecord]:
        return [answer(*e, audit=audit_id, question=f"q{i}") for i, e in enumerate(answers)]

    records = [
        *audit("a1", (AERO, VISTA_E), (AERO,)),
        *audit("a2", (VISTA_E, AERO), (AERO,)),  # 100 % each, Vista behind on rank 1.5 vs 1
        *audit("a3", (VISTA_E,), (VISTA_E, AERO)),  # Vista 100 %, the property 50 %
    ]
    records += [answer(AERO, audit=a, surface="claude") for a in ("a1", "a2", "a3")]
    tab = table(records, [VISTA], ["a1", "a2", "a3"])
    assert [p.audit_id for p in tab[VISTA.key]["openai"]] == ["a1", "a2", "a3"]
    assert [p.figures.visibility for p in tab[PROPERTY_KEY]["openai"]] == [100.0, 100.0, 50.0]
    (found,) = overtaken(tab, [VISTA])
    assert (found.competitor, found.surface, found.visibility, found.property_visibility) == (
        "Vista Park",
        "openai",
        100.0,
        50.0,
    )
    assert found.reason("AMLI Aero") == (
        "Vista Park overtook AMLI Aero on openai (visibility 100.0% vs 50.0%)"
    )
    # Leading already in the audit before is no news; a single audit overtakes nothing.
    assert overtaken(table(records, [VISTA], ["a1", "a3"]), [VISTA]) != []
    assert overtaken(table(records, [VISTA], ["a3"]), [VISTA]) == []
    assert overtaken(table(records + audit("a4", (VISTA_E,)), [VISTA], ["a3", "a4"]), [VISTA]) == []


def test_an_overtaking_is_a_competitive_banner() -> None:
    from geo.alerts import Standing, alerts, overtaken_alert

    assert overtaken_alert([]) is None
    standing = Standing(60.0, 70.0, 0.0, {"openai": 60.0}, overtaken=("Vista Park on openai",))
    assert [(a.level, a.title, a.detail) for a in alerts(standing)] == [
        (
            "competitive",
            "Overtaken by a competitor",
            "now ahead of the property: Vista Park on openai",
        )
    ]
