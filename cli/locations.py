"""`--location "San Diego, CA 92104, US"`: the asker's location as a person writes it, read
into the API's `asker_location` fields. The API checks them; this only splits the text."""

from __future__ import annotations

import re

import typer

# A ZIP code closing a part: its last word, when that has a digit ("CA 92104").
TRAILING_CODE = re.compile(r"^(?P<head>.*?)\s*(?P<code>\S*\d\S*)$")


def parse_location(text: str) -> dict[str, str]:
    """The fields of "City[, Region[ ZIP][, Country]]", as `AskerLocation.label()` writes a
    place; a text with a digit and no comma is a ZIP code alone. Empty parts are allowed
    ("Madrid, , ES")."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) > 3:
        raise typer.BadParameter("write it as City, Region ZIP, Country (at most three parts)")
    if len(parts) == 1 and any(c.isdigit() for c in parts[0]):
        return {"zip": parts[0]}
    city, region, country = [*parts, "", ""][:3]
    out = {"city": city, "region": region, "country": country}
    for name in ("region", "city"):  # the ZIP follows the last place before the country
        match = TRAILING_CODE.match(out[name])
        if match:
            out[name], out["zip"] = match.group("head").strip(), match.group("code").strip()
            break
    return {k: v for k, v in out.items() if v}


def parse_lat_lng(text: str) -> tuple[float, float]:
    """(latitude, longitude) from "32.74,-117.13"."""
    try:
        lat, lng = (float(p) for p in text.split(","))
    except ValueError:
        raise typer.BadParameter("write it as LATITUDE,LONGITUDE, e.g. 32.74,-117.13") from None
    return lat, lng


def asker_location(
    location: str | None, timezone: str | None, lat_lng: str | None
) -> dict[str, object] | None:
    """The body's `asker_location`, or None when no option names a place."""
    if not (location or timezone or lat_lng):
        return None
    place: dict[str, object] = dict(parse_location(location)) if location else {}
    if timezone:
        place["timezone"] = timezone
    if lat_lng:
        place["latitude"], place["longitude"] = parse_lat_lng(lat_lng)
    return place
