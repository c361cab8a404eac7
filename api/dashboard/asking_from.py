"""The audit options form's "Asking from" fields: where the renter asks from (the API's
`asker_location`), each optional; the API says what is wrong with them."""

from __future__ import annotations

from starlette.datastructures import FormData

# The API's field names, and how the page names each one (field `loc_<name>`).
FIELDS = {
    "city": "city",
    "region": "state or region",
    "country": "country",
    "zip": "ZIP code",
    "timezone": "time zone",
    "latitude": "latitude",
    "longitude": "longitude",
}
LABELS = {
    "asker_location": "Asking from",
    **{f"asker_location.{name}": f"Asking from: {label}" for name, label in FIELDS.items()},
}


def location_values(form: FormData) -> dict[str, str]:
    """What the fields hold, by the API's names ("" when left empty)."""
    values = {name: form.get(f"loc_{name}") for name in FIELDS}
    return {name: v.strip() if isinstance(v, str) else "" for name, v in values.items()}


def location_data(form: FormData) -> dict[str, str] | None:
    """The `asker_location` of a request body, or None when every field was left empty."""
    return {name: v for name, v in location_values(form).items() if v} or None
