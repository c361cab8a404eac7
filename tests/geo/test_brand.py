import pytest

from geo.answer import Entity
from geo.brand import BrandMatcher, entity_matches_brand
from geo.domains import domain_of_url, infer_brand_domains, is_brand_domain, normalize_domain


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("https://www.AMLI.com/apartments", "amli.com"),
        ("http://amli.com/", "amli.com"),
        ("www.amli.com", "amli.com"),
        ("  Amli.COM  ", "amli.com"),
        ("amli.com:443", "amli.com"),
        (None, ""),
        ("", ""),
    ],
)
def test_normalize_domain(raw: str | None, norm: str) -> None:
    assert normalize_domain(raw) == norm


@pytest.mark.parametrize(
    ("domain", "brand", "expected"),
    [
        ("amli.com", ["amli.com"], True),
        ("www.amli.com", ["https://amli.com"], True),
        ("sandiego.amli.com", ["amli.com"], True),  # subdomain
        ("notamli.com", ["amli.com"], False),  # suffix but not a subdomain
        ("amli.com.evil.net", ["amli.com"], False),
        ("", ["amli.com"], False),
        (None, ["amli.com"], False),
        ("amli.com", [], False),
        ("amli.com", None, False),
        ("amli.com", ["", None], False),
    ],
)
def test_is_brand_domain(domain: str | None, brand: list[str] | None, expected: bool) -> None:
    assert is_brand_domain(domain, brand) is expected


@pytest.mark.parametrize(
    ("entity", "expected"),
    [
        (Entity(name="AMLI Aero", position=1), True),
        (Entity(name="amli aero apartments", position=1), True),
        (Entity(name="AMLI Residential", position=1), False),  # the operator, not the property
        (Entity(name="AMLI Residential", domain="amli.com", position=1), False),
        (Entity(name="Aero by AMLI", position=1), True),  # every significant word
        (Entity(name="AMLI-Aero", domain="WWW.AMLI.COM", position=1), True),
        (Entity(name="Aeroview Flats", position=1), False),  # the brand's word inside another
        (Entity(name="Aero", domain="amli.com", position=1), True),  # operator domain + own word
        (Entity(name="Camlife Towers", position=1), False),  # 'amli' inside another word
        (Entity(name="Aero Club", domain="aeroclub.com", position=1), False),
        (Entity(name="Somewhere", domain="kearny.amli.com", position=1), False),
    ],
)
def test_entity_matches_brand(entity: Entity, expected: bool) -> None:
    assert entity_matches_brand(entity, "AMLI Aero", ["amli.com"]) is expected


def test_entity_match_is_none_safe() -> None:
    entity = Entity(name="X", domain="", position=1)
    assert not entity_matches_brand(entity, None, None)
    assert not entity_matches_brand(entity, "", [])


def test_domains_from_urls_and_names() -> None:
    assert domain_of_url("https://www.amli.com/a/b?c=1") == "amli.com"
    assert domain_of_url("amli.com/x") == "amli.com"
    assert infer_brand_domains("https://aero.example.org/", "Anything") == ["aero.example.org"]
    assert infer_brand_domains("", "Avalon La Jolla") == ["avaloncommunities.com"]
    assert infer_brand_domains(None, "Unknown Place") == []


def test_own_domain_matches_whatever_the_name() -> None:
    assert entity_matches_brand(
        Entity(name="Great place", domain="amliaero.com", position=1), "AMLI Aero", ["amliaero.com"]
    )


def test_links_under_a_shared_operator_site() -> None:
    from geo.answer import Citation
    from geo.profile import BrandContext

    matcher = BrandMatcher(
        BrandContext(
            name="AMLI Aero",
            domains=["amli.com"],
            website_url="https://www.amli.com/apartments/san-diego/amli-aero",
        )
    )
    assert matcher.citation_is_brand(
        Citation(
            url="https://www.amli.com/apartments/san-diego/amli-aero/floorplans", domain="amli.com"
        )
    )
    assert matcher.citation_is_brand(
        Citation(url="https://sandiego.amli.com/amli-aero", domain="sandiego.amli.com")
    )
    assert not matcher.citation_is_brand(
        Citation(url="https://www.amli.com/about", domain="amli.com")
    )
    own = BrandMatcher(BrandContext(name="X", domains=["x.com"], website_url="https://x.com/"))
    assert own.citation_is_brand(Citation(url="https://X.COM/anything", domain="x.com"))
