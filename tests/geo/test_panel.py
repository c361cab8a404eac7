from collections import Counter

import pytest

from geo.panel import amenity_combinations, generate_panel, key_amenities
from geo.profile import Address, Competitor, PropertyProfile


def aero() -> PropertyProfile:
    return PropertyProfile(
        name="AMLI Aero",
        address=Address(
            street="3451 Aero Drive",
            neighborhood="Kearny Mesa",
            city="San Diego",
            state="CA",
            zip="92123",
        ),
        amenities=[
            "Resort-style pool",
            "Fitness center",
            "Dog park",
            "EV charging",
            "Rooftop deck",
        ],
        unique_selling_points=["LEED-certified sustainable design", "Luxury finishes"],
        target_audience="Young professionals and families",
        competitors=[
            Competitor(name="Avalon La Jolla"),
            Competitor(name="Cielo Mesa"),
            Competitor(name="Vue"),
            Competitor(name="Fourth one"),
        ],
    )


def test_full_profile_counts_per_category() -> None:
    panel = generate_panel(aero())
    counts = Counter(q.type for q in panel)
    # 4 branded; category = 1 benchmark + 6 amenity + 2 USP + 2 personas; 3 comparisons;
    # local = 3 neighbourhood + 1 street; 4 voice.
    assert counts == {"branded": 4, "category": 11, "comparison": 3, "local": 4, "voice_search": 4}
    assert len(panel) == 26


def test_exact_template_texts() -> None:
    texts = [q.text for q in generate_panel(aero())]
    assert texts[:5] == [
        "What is AMLI Aero?",
        "Is AMLI Aero a good place to live?",
        "AMLI Aero reviews",
        "AMLI Aero apartments",
        "Best apartments in San Diego",
    ]
    assert "Apartments with pool and fitness center in Kearny Mesa" in texts
    assert "Moving to Kearny Mesa - apartment recommendations" in texts
    assert "Sustainable green apartments in Kearny Mesa with solar power" in texts
    assert "Premium luxury apartments in Kearny Mesa" in texts
    assert "Apartments for young professionals in Kearny Mesa" in texts
    assert "AMLI Aero vs Avalon La Jolla" in texts
    assert "AMLI Aero vs Fourth one" not in texts  # first three competitors only
    assert "Apartments near 3451 Aero Drive" in texts
    assert texts[-1] == "Where can I find apartments in Kearny Mesa with resort-style pool?"


def test_minimal_profile_is_twelve_to_fourteen_queries() -> None:
    bare = PropertyProfile(name="Harbor Lofts", address=Address(city="Austin", state="TX"))
    panel = generate_panel(bare)
    counts = Counter(q.type for q in panel)
    assert counts["branded"] == 4 and counts["voice_search"] == 4 and counts["local"] == 3
    # No amenities: the two fallback questions; neighbourhood falls back to the city.
    assert "Modern apartments in Austin" in [q.text for q in panel]
    assert 12 <= len(panel) <= 14


def test_maximum_profile_is_at_most_28() -> None:
    big = aero().model_copy(
        update={
            "unique_selling_points": ["green", "luxury", "smart home tech"],
            "target_audience": "remote workers, families, retirees, gen z",
        }
    )
    panel = generate_panel(big)
    assert len(panel) == 28
    assert len({q.text.lower() for q in panel}) == len(panel)


@pytest.mark.parametrize(
    ("amenities", "expected"),
    [
        (["Carpeted floors"], []),  # the seed's substring bug mapped this to pet-friendly
        (["Dog park"], ["dog park"]),
        (["Rooftop deck", "rooftop lounge"], ["rooftop deck", "rooftop"]),
        (["24h Gym", "Fitness center"], ["fitness center"]),
        (["Pet friendly", "EV charging stations"], ["pet-friendly", "EV charging"]),
    ],
)
def test_amenity_keywords_match_whole_words_longest_first(
    amenities: list[str], expected: list[str]
) -> None:
    assert key_amenities(amenities) == expected


@pytest.mark.parametrize(("k", "count"), [(0, 0), (1, 1), (2, 2), (3, 5), (4, 6), (6, 6)])
def test_amenity_combination_counts(k: int, count: int) -> None:
    keys = ["pool", "spa", "concierge", "parking", "rooftop", "bike storage"][:k]
    assert len(amenity_combinations(keys, "Downtown")) == count


def test_usp_and_persona_dedupe() -> None:
    p = aero().model_copy(update={"unique_selling_points": ["Luxury", "Premium", "High-end"]})
    texts = [q.text for q in generate_panel(p)]
    assert texts.count("Premium luxury apartments in Kearny Mesa") == 1
