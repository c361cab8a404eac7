"""The property page's weekly digest form (weekday, hour, time zone; Save / Send now / Remove),
through the API's own digest services: refused in the form's words, disabled without a webhook,
answered as a 503 page without Temporal; and saved, sent and removed against the tests' dev
server, the API reading back what the page set."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from tests.dashboard.conftest import Api, csrf_in, dashboard, seed_property
from tests.dashboard.test_property_pages import section, unlabelled
from tests.workflows.conftest import workflow_env

__all__ = ["workflow_env"]  # the in-process dev server, for the happy path
HOOK = "https://hooks.slack.com/services/T0/B0/digest"
BUTTONS = ("Save the weekly digest", "Send a digest now")
ASKED = {"weekday": "friday", "hour": "9", "minute": "0", "timezone": "Europe/Madrid"}


def digest_of(app: Api, prop: uuid.UUID) -> tuple[str, str]:
    """The page's digest section, and the page's CSRF token."""
    page = app.client.get(f"/app/properties/{prop}")
    assert page.status_code == 200, page.text
    return section(page.text, "digest"), csrf_in(page.text)


def test_without_a_webhook_the_form_is_disabled_and_says_why(api: Api) -> None:
    prop, _ = seed_property(api, ["Best apartments in North Park"])
    shown, token = digest_of(api, prop)
    assert '<h2 id="digest-title">Weekly digest</h2>' in shown
    assert '<fieldset disabled aria-describedby="digest-off">' in shown
    off = re.search(r'id="digest-off"[^>]*>([^<]*)', shown)
    assert off and off.group(1).startswith("The digest goes to the property's alert webhook")
    for name in BUTTONS:
        assert f">{name}</button>" in shown
    assert unlabelled(shown) == []
    # A form sent anyway is refused by the service, next to the form.
    for path in ("digest", "digest/send"):
        refused = api.client.post(f"/app/properties/{prop}/{path}", data={"csrf": token, **ASKED})
        assert refused.status_code == 409, path
        assert "no alert_webhook_url" in section(refused.text, "digest")


def test_bad_fields_are_refused_and_temporal_down_is_a_503_page(api: Api) -> None:
    prop, _ = seed_property(api, ["Best apartments in North Park"], alert_webhook_url=HOOK)
    shown, token = digest_of(api, prop)
    assert "<fieldset>" in shown and "disabled" not in shown
    assert "Temporal is unavailable; the digest cannot be read now." in shown
    url = f"/app/properties/{prop}/digest"
    for field, value, said in (
        ("timezone", "Mars/Olympus_Mons", "Time zone: unknown time zone 'Mars/Olympus_Mons'"),
        ("hour", "24", "Hour: Input should be less than or equal to 23"),
        ("weekday", "someday", "Weekday: Input should be"),
    ):
        bad = api.client.post(url, data={"csrf": token, **ASKED, field: value})
        assert bad.status_code == 422 and said in unescape(section(bad.text, "digest")), field
        assert f'value="{value}"' in bad.text or field != "timezone"  # what was sent, kept
    for path in ("", "/send", "/delete"):
        down = api.client.post(f"{url}{path}", data={"csrf": token, **ASKED})
        assert down.status_code == 503, path
        assert "Temporal is unavailable" in section(down.text, "digest"), path
    stale = api.client.post(url, data={**ASKED, "csrf": "not-the-token"})
    assert stale.status_code == 403


@pytest.fixture
def on_temporal(tmp_path: Path, workflow_env: WorkflowEnvironment) -> Iterator[Api]:
    """The dashboard talking to the tests' dev server."""
    address = workflow_env.client.service_client.config.target_host
    with dashboard(tmp_path, temporal_address=address) as app:
        yield app


async def test_the_digest_is_saved_sent_and_removed_from_the_page(
    on_temporal: Api, workflow_env: WorkflowEnvironment
) -> None:
    app = on_temporal
    prop, _ = seed_property(app, ["Best apartments"], alert_webhook_url=HOOK, alert_format="slack")
    url = f"/app/properties/{prop}"
    shown, token = digest_of(app, prop)
    assert "No weekly digest." in shown and "Remove the weekly digest" not in shown

    saved = app.client.post(f"{url}/digest", data={"csrf": token, **ASKED}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == f"{url}#digest"
    page = app.client.get(url).text
    assert "The weekly digest was saved: Fridays at 09:00 (Europe/Madrid)." in page
    shown = section(page, "digest")
    assert "Every Friday at 09:00 (Europe/Madrid), written as slack" in shown
    assert '<option value="friday" selected>' in shown and '<option value="9" selected>' in shown
    # The API reads the same schedule back: Fridays at 9:00 in Madrid.
    read = app.client.get(f"/properties/{prop}/digest").json()
    for at in read["next_run_times"]:
        local = datetime.fromisoformat(at).astimezone(ZoneInfo("Europe/Madrid"))
        assert (local.weekday(), local.hour, local.minute) == (4, 9, 0)

    sent = app.client.post(f"{url}/digest/send", data={"csrf": token}, follow_redirects=False)
    assert sent.status_code == 303
    wid = f"digest-{prop}-now"
    assert f"A digest is on its way to the property's webhook ({wid})." in unescape(
        app.client.get(url).text
    )
    handle = workflow_env.client.get_workflow_handle(wid)
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    await handle.terminate("the test needed only its start")  # no worker here runs it

    removed = app.client.post(f"{url}/digest/delete", data={"csrf": token})
    assert removed.status_code == 200 and "The weekly digest was removed." in removed.text
    assert "No weekly digest." in section(removed.text, "digest")
    assert app.client.get(f"/properties/{prop}/digest").status_code == 404
    again = app.client.post(f"{url}/digest/delete", data={"csrf": token})
    assert again.status_code == 404
    assert "This property has no digest" in section(again.text, "digest")
