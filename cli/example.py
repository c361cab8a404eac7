"""The example property the demo audits (the seed's reference community, San Diego)."""

from __future__ import annotations

from typing import Any

EXAMPLE_PROPERTY: dict[str, Any] = {
    "name": "AMLI Aero",
    "address": {
        "street": "3451 Aero Drive",
        "neighborhood": "Kearny Mesa",
        "city": "San Diego",
        "state": "CA",
        "zip": "92123",
    },
    "website_url": "https://www.amli.com/apartments/san-diego/kearny-mesa-apartments/amli-aero",
    "brand_domains": ["amli.com"],
    "competitors": [
        {"name": "Avalon La Jolla", "domain": "avaloncommunities.com"},
        {"name": "Cielo Mesa", "domain": "cielomesa.com"},
        {"name": "Vue Kearny Mesa", "domain": "vuekearnymesa.com"},
    ],
    "amenities": ["Resort-style pool", "Fitness center", "Dog park", "EV charging", "Rooftop deck"],
    "unique_selling_points": ["LEED-certified sustainable design", "Luxury finishes"],
    "target_audience": "Young professionals and families relocating to San Diego",
}
