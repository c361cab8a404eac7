"""The portfolio grouped by region or tag (a select that works without script): a heading and
the API's figures per group, weakest group first, rows linked to the answers and workflows
behind them; and the property forms' tags, region and alert format."""

from __future__ import annotations

import html as markup
import re
import uuid
from typing import Any

from tests.dashboard.conftest import Api, csrf_in, csrf_of, property_named, seed_property
from tests.dashboard.test_property_pages import unlabelled
from tests.factories import AuditSpec, block

Q = "Best apartments in North Park"


def audited(api: Api, name: str, first: bool, **fields: Any) -> uuid.UUID:
    """A property audited once on openai: named first and cited, or third and uncited."""
    names = [name, "Vista Park"] if first else ["Vista Park", "The Grove", name]
    answer = block(names, ["amli.com"] if first else [])
    prop, _ = seed_property(
        api, [Q], [AuditSpec(answers={"openai": {Q: answer}})], name=name, **fields
    )
    return prop


def sections(page: str) -> dict[str, str]:
    """Each group's HTML, by its key, in page order."""
    found = re.findall(r'<section class="group" data-group="([^"]*)">(.*?)</section>', page, re.S)
    return {markup.unescape(key): body for key, body in found}


def figure(section: str, field: str) -> str:
    found = re.search(rf'<dd data-field="{field}">(.*?)</dd>', section, re.S)
    assert found, field
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_grouped_by_region_weakest_first_with_the_apis_figures(api: Api) -> None:
    top = audited(api, "Aero", True, region="North Park", tags=["luxury"])
    third = audited(api, "Bayside", False, region="North Park", tags=["luxury", "lease-up"])
    coast = audited(api, "Canyon", True, region="La Jolla")
    page = api.client.get("/").text
    groups = sections(page)
    rollup = api.client.get("/portfolio").json()["groups"]
    assert list(groups) == [g["key"] for g in rollup] == ["North Park", "La Jolla"]
    for g in rollup:
        shown = groups[g["key"]]
        assert f"<h2>{g['key']}</h2>" in shown
        assert figure(shown, "average") == f"{g['average_score']:.1f}"
        assert figure(shown, "lowest").startswith(f"{g['lowest_score']:.1f}")
        assert figure(shown, "visibility") == f"{g['average_visibility_pct']:.1f} %"
        assert figure(shown, "properties") == str(g["property_count"])
    assert f'data-property="{top}"' in groups["North Park"]
    assert f'data-property="{third}"' in groups["North Park"]
    assert f'data-property="{coast}"' in groups["La Jolla"]
    assert "Bayside" in figure(groups["North Park"], "lowest")  # the weakest, named
    assert figure(groups["La Jolla"], "alerts") == "1 success"


def test_grouped_by_tag_a_property_shows_under_each_tag(api: Api) -> None:
    both = audited(api, "Bayside", False, tags=["luxury", "lease-up"])
    plain = audited(api, "Canyon", True)
    groups = sections(api.client.get("/", params={"group": "tag"}).text)
    assert set(groups) == {"luxury", "lease-up", "(untagged)"}
    assert all(f'data-property="{both}"' in groups[t] for t in ("luxury", "lease-up"))
    assert f'data-property="{plain}"' in groups["(untagged)"]


def test_one_list_when_not_grouped_and_the_choice_survives_sorting(api: Api) -> None:
    audited(api, "Aero", True, region="North Park")
    page = api.client.get("/", params={"group": "none", "sort": "score"}).text
    assert sections(page) == {} and page.count('<table class="portfolio">') == 1
    assert '<option value="none" selected>' in page
    assert "group=none&amp;sort=score&amp;order=desc" in page  # the sort links keep it
    assert api.client.get("/", params={"group": "city"}).status_code == 422


def test_a_row_links_its_figures_to_their_answers_and_its_audit_to_temporal(api: Api) -> None:
    prop = audited(api, "Aero", True, region="North Park")
    row = re.search(rf'<tr data-property="{prop}">(.*?)</tr>', api.client.get("/").text, re.S)
    assert row
    body = api.client.get("/portfolio").json()["groups"][0]["properties"][0]
    audit, run = body["latest_audit"]["audit_id"], body["surfaces"]["openai"]["run_id"]
    score, seen = f"{body['overall_score']:.1f}", f"{body['visibility_pct']:.1f} %"
    for link, text in (
        (f"/app/answers?audit_id={audit}", score),
        (f"/app/answers?run_id={run}", f"openai {score}"),
        (f"/app/answers?audit_id={audit}&amp;present=true", seen),
        (body["links"]["temporal_ui"], "workflow"),
    ):
        assert re.search(rf'<a href="{re.escape(link)}"[^>]*>{re.escape(text)}</a>', row.group(1))
    answers = api.client.get(f"/app/answers?run_id={run}")
    assert answers.status_code == 200 and Q in answers.text


def test_the_forms_set_tags_region_and_alert_format(api: Api) -> None:
    form = api.client.get("/app/properties/new").text
    for field in ('name="tags"', 'name="region"', 'name="alert_format"'):
        assert field in form
    assert unlabelled(form) == []
    created = api.client.post(
        "/app/properties",
        data={
            "csrf": csrf_in(form),
            "name": "Modera Hillcrest",
            "tags": "Lease-up, student, lease-up",
            "region": "  Hillcrest ",
            "alert_format": "teams",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    prop = property_named(api, "Modera Hillcrest")
    assert (prop.tags, prop.region, prop.alert_format) == (
        ["lease-up", "student"],
        "Hillcrest",
        "teams",
    )

    page = api.client.get(f"/app/properties/{prop.id}").text
    assert 'value="lease-up, student"' in page and 'value="Hillcrest"' in page
    assert '<option value="teams" selected>' in page
    token = csrf_of(api.client, f"/app/properties/{prop.id}")
    edited = {"csrf": token, "name": "Modera Hillcrest", "tags": "", "region": "Uptown"}
    saved = api.client.post(
        f"/app/properties/{prop.id}/profile", data={**edited, "alert_format": "slack"}
    )
    assert saved.status_code == 200
    prop = property_named(api, "Modera Hillcrest")
    assert (prop.tags, prop.region, prop.alert_format) == ([], "Uptown", "slack")
    bad = api.client.post(f"/app/properties/{prop.id}/profile", data={**edited, "tags": "ok, <b>"})
    assert bad.status_code == 422 and "Tags, item 2" in bad.text
    bad = api.client.post(
        f"/app/properties/{prop.id}/profile", data={**edited, "alert_format": "fax"}
    )
    assert bad.status_code == 422 and "Alert format" in bad.text
