"""`propertyaudit audit start --location …`: the place as a person writes it, sent as the API's
`asker_location`; `audit show` says where an audit asked from."""

from __future__ import annotations

import json

import pytest

from cli.locations import parse_location
from tests.cli.conftest import FakeApi
from tests.cli.samples import AUDIT_ID, audit_state

STARTED = {"audit_id": AUDIT_ID, "status": "queued", "links": {"temporal_ui": "http://t/wf"}}


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (
            "San Diego, CA 92104, US",
            {"city": "San Diego", "region": "CA", "zip": "92104", "country": "US"},
        ),
        ("San Diego, CA, US", {"city": "San Diego", "region": "CA", "country": "US"}),
        ("Austin, TX 78701", {"city": "Austin", "region": "TX", "zip": "78701"}),
        ("Madrid, , ES", {"city": "Madrid", "country": "ES"}),
        ("92104", {"zip": "92104"}),
        ("Denver", {"city": "Denver"}),
    ],
)
def test_a_place_as_people_write_it(text: str, fields: dict[str, str]) -> None:
    assert parse_location(text) == fields


def test_start_sends_the_location(fake_api: FakeApi) -> None:
    fake_api.on("POST", "/audits", STARTED, status=202)
    result = fake_api.invoke(
        "audit",
        "start",
        "p1",
        "--location",
        "San Diego, CA 92104, US",
        "--timezone",
        "America/Los_Angeles",
        "--lat-lng",
        "32.74,-117.13",
    )
    assert result.exit_code == 0, result.output
    [sent] = fake_api.sent("POST", "/audits")
    assert json.loads(sent.content)["asker_location"] == {
        "city": "San Diego",
        "region": "CA",
        "zip": "92104",
        "country": "US",
        "timezone": "America/Los_Angeles",
        "latitude": 32.74,
        "longitude": -117.13,
    }


def test_without_a_location_the_body_has_none(fake_api: FakeApi) -> None:
    fake_api.on("POST", "/audits", STARTED, status=202)
    assert fake_api.invoke("audit", "start", "p1").exit_code == 0
    assert "asker_location" not in json.loads(fake_api.sent("POST", "/audits")[0].content)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--location", "a, b, c, d"], "at most three parts"),
        (["--lat-lng", "north"], "LATITUDE,LONGITUDE"),
    ],
)
def test_an_unreadable_place_is_a_usage_error(
    fake_api: FakeApi, args: list[str], message: str
) -> None:
    result = fake_api.invoke("audit", "start", "p1", *args, env={"COLUMNS": "200"})
    assert result.exit_code == 2 and message in result.stderr
    assert not fake_api.requests


def test_show_says_where_the_audit_asked_from(fake_api: FakeApi) -> None:
    state = audit_state("running", 3) | {
        "asker_location": {"city": "San Diego", "region": "CA", "country": "US", "zip": "92104"}
    }
    fake_api.on("GET", f"/audits/{AUDIT_ID}", state)
    result = fake_api.invoke("audit", "show", AUDIT_ID)
    assert result.exit_code == 0, result.output
    assert "asked from San Diego, CA 92104, US" in result.stdout
