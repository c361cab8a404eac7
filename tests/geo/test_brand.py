import pytest

from geo.answer import Entity
from geo.brand import entity_matches_brand, main_brand_word
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
    assert is_brand_domain(domain, brand) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("AMLI Aero", "amli"),
        ("The Reserve at Mission Valley", "reserve"),
        ("Apartments at the Park", None),  # generic first word
        ("One Paseo", None),  # three letters
        ("Living Downtown", None),
        ("", None),
        (None, None),
    ],
)
def test_main_brand_word(name: str | None, word: str | None) -> None:
    assert main_brand_word(name) == word


@pytest.mark.parametrize(
    ("entity", "expected"),
    [
        (Entity(name="AMLI Aero", position=1), True),
        (Entity(name="amli aero apartments", position=1), True),
        (Entity(name="AMLI Residential", position=1), True),  # first significant word
        (Entity(name="Camlife Towers", position=1), False),  # 'amli' inside another word
        (Entity(name="Aero Club", domain="aeroclub.com", position=1), False),
        (Entity(name="Somewhere", domain="kearny.amli.com", position=1), True),
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
