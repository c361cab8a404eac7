"""Brands matched whatever the language of the answer: Spanish generic words are not a brand's
distinctive words, and accents dropped by a model do not hide a name."""

from __future__ import annotations

import pytest

from geo.answer import Entity
from geo.brand import BrandMatcher, tokens
from geo.profile import BrandContext

LAS_PALMAS = BrandMatcher(
    BrandContext(name="Residencial Las Palmas", domains=["residenciallaspalmas.com"])
)
PENASCO = BrandMatcher(BrandContext(name="Lofts Peñasco", domains=["loftspenasco.com"]))


def test_accents_are_dropped_and_kept_words_whole() -> None:
    assert tokens("Peñasco en San José") == ["penasco", "en", "san", "jose"]
    assert LAS_PALMAS.significant == ["palmas"]
    assert PENASCO.significant == ["penasco"]


@pytest.mark.parametrize(
    ("matcher", "name", "expected"),
    [
        (LAS_PALMAS, "Residencial Las Palmas", True),
        (LAS_PALMAS, "Las Palmas Apartments", True),  # the same place named in English
        (LAS_PALMAS, "Apartamentos Las Palmas", True),
        (LAS_PALMAS, "Residencial Los Olivos", False),  # shares only generic words
        (LAS_PALMAS, "Comunidad Palmaverde", False),  # the word inside another
        (PENASCO, "Lofts Penasco", True),  # the accent the model dropped
        (PENASCO, "Departamentos Peñasco", True),
        (PENASCO, "Lofts Alameda", False),
    ],
)
def test_spanish_names_match_on_their_own_words(
    matcher: BrandMatcher, name: str, expected: bool
) -> None:
    assert matcher.entity_is_brand(Entity(name=name, position=1)) is expected


def test_spanish_prose_names_the_brand() -> None:
    prose = "Estos son lugares: 1. **Apartamentos Peñasco** en San Diego, CA — muy valorado."
    assert PENASCO.prose_names_brand(prose)
    assert not LAS_PALMAS.prose_names_brand("Residencial y comunidad de lujo en Palm Springs")
    assert LAS_PALMAS.url_is_brand("https://www.ResidencialLasPalmas.com/es/planos")
