"""Alerts and digests written for Slack and Microsoft Teams pass the documented shapes of their
incoming webhooks (tests/webhooks.py), limits included, whatever the names hold; the JSON
format is the canonical payload as it is."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from geo.cards import SLACK_HEADER, Note, slack, teams
from geo.digest import AuditFigures, Digest, Rival, SurfaceFigures, compose_digest
from geo.notify import Links, alert_body, digest_body
from tests.webhooks import mrkdwn_texts, slack_errors, teams_errors

LINKS = Links("https://audit.example.com", "https://temporal.example.com", "prod")
TRICKY = [
    "<!channel> & <@U024BE7LH> Lofts",
    "*Bold* _Lofts_ ~gone~ `code` [click](https://evil.example.com)",
    "Résidence Ñandú 🏙️ > the rest",
    "x" * 400,
    "line\nbreak\tand\r\nmore & more <b>html</b>",
]


def alert(name: str, reasons: int = 2) -> dict[str, Any]:
    return {
        "type": "propertyaudit.alert",
        "property_id": "6f1c0b8e-1d1e-4c55-9b1a-0d8c9a0c7e11",
        "property_name": name,
        "audit_id": "0b7f1a52-9d64-4d1e-8a5b-0c6a3a3c1f00",
        "previous_audit_id": "1c2d3e4f-0000-4000-8000-000000000000",
        "status": "partial",
        "score": 41.3,
        "previous_score": 63.0,
        "visibility_pct": 40.0,
        "previous_visibility_pct": 80.0,
        "reasons": [f"reason {i}: {name} <fell> & more " * 20 for i in range(reasons)],
        "overtaken": [
            {
                "competitor": f"{name} Rival",
                "domain": "rival.example.com",
                "surface": "claude",
                "visibility": 60.0,
                "property_visibility": 40.0,
                "avg_rank": 1.5,
                "property_avg_rank": 3.0,
            },
            "plain text entry",
        ],
    }


def digest(name: str, surfaces: int = 3, rivals: int = 5) -> Digest:
    at = datetime(2026, 11, 9, 8, tzinfo=UTC)

    def figures(audit: str, base: float) -> AuditFigures:
        rows = [
            SurfaceFigures(surface=f"s{i}-{name[:20]}", score=base + i, visibility_pct=50.0 + i)
            for i in range(surfaces)
        ]
        return AuditFigures(
            audit_id=audit,
            status="completed",
            created_at=at,
            score=base,
            visibility_pct=50.0,
            surfaces=rows,
        )

    return compose_digest(
        digest_id="run-1",
        property_id="p-1",
        property_name=name,
        period=(at - timedelta(days=7), at),
        audits_this_week=2,
        latest=figures("a-2", 40.0),
        previous=figures("a-1", 60.0),
        rivals=[Rival(name=f"{name} #{i}", mentions=20 - i) for i in range(rivals)],
        links={"dashboard": LINKS.property_page("p-1"), "temporal": LINKS.workflow("audit-a-2")},
    )


@pytest.mark.parametrize("name", TRICKY)
def test_an_alert_for_slack_passes_its_schema_and_escapes_the_name(name: str) -> None:
    body = alert_body("slack", alert(name, reasons=40), LINKS, "audit-0b7f")
    assert slack_errors(body) == []
    # mrkdwn is where Slack reads mentions and links; the header is plain_text, read as is.
    mrkdwn = "\n".join(mrkdwn_texts(body))
    assert "<!channel>" not in mrkdwn and "<@U024BE7LH>" not in mrkdwn
    if name.startswith("<!channel>"):
        assert "&lt;!channel&gt; &amp; &lt;@U024BE7LH&gt; Lofts" in mrkdwn
    assert body["blocks"][0]["type"] == "header"
    links = [b for b in body["blocks"] if "app/audits/0b7f1a52" in json.dumps(b)]
    assert links and "temporal.example.com/namespaces/prod/workflows/audit-0b7f" in json.dumps(
        links[0]
    )


@pytest.mark.parametrize("name", TRICKY)
def test_an_alert_for_teams_passes_its_schema(name: str) -> None:
    body = alert_body("teams", alert(name, reasons=40), LINKS, "audit-0b7f")
    assert teams_errors(body) == []
    card = body["attachments"][0]["content"]
    assert [a["url"] for a in card["actions"]] == [
        "https://audit.example.com/app/audits/0b7f1a52-9d64-4d1e-8a5b-0c6a3a3c1f00",
        "https://audit.example.com/audits/0b7f1a52-9d64-4d1e-8a5b-0c6a3a3c1f00/insights",
        "https://temporal.example.com/namespaces/prod/workflows/audit-0b7f",
    ]
    facts = {f["title"]: f["value"] for f in card["body"][2]["facts"]}
    assert facts["Score"] == "41.3 (▼ 21.7 from 63.0)"
    if len(name) < 100:  # a longer one is clipped before the figures
        assert "on claude (visibility 60.0 % vs 40.0 %)" in json.dumps(card, ensure_ascii=False)


def test_teams_markdown_in_a_name_is_escaped() -> None:
    body = alert_body("teams", alert("[click](https://evil.example.com) *now*"), LINKS)
    title = body["attachments"][0]["content"]["body"][0]["text"]
    assert r"\[click\](https://evil.example.com) \*now\*" in title


def test_the_json_format_is_the_canonical_payload() -> None:
    payload = alert("AMLI Aero")
    assert alert_body("json", payload, LINKS) == payload
    assert alert_body("anything else", payload, LINKS) == payload


@pytest.mark.parametrize("name", TRICKY)
@pytest.mark.parametrize("surfaces", [1, 12])
def test_a_digest_passes_both_schemas(name: str, surfaces: int) -> None:
    d = digest(name, surfaces=surfaces, rivals=30)
    slack_body, teams_body = digest_body("slack", d), digest_body("teams", d)
    assert slack_errors(slack_body) == [] and teams_errors(teams_body) == []
    fields = [f for b in slack_body["blocks"] for f in b.get("fields", [])]
    assert len(fields) == surfaces  # 12 surfaces: two sections of fields, none over ten
    assert "▼ 20.0" in slack_body["blocks"][1]["text"]["text"]


def test_a_digest_before_any_audit_still_reads_well() -> None:
    at = datetime(2026, 11, 9, tzinfo=UTC)
    empty = compose_digest(
        digest_id="r",
        property_id="p",
        property_name="AMLI Aero",
        period=(at - timedelta(days=7), at),
        audits_this_week=0,
        latest=None,
        previous=None,
        rivals=[],
        links={"dashboard": "https://audit.example.com/app/properties/p"},
    )
    for fmt, errors in (("slack", slack_errors), ("teams", teams_errors)):
        body = digest_body(fmt, empty)
        assert errors(body) == []
        assert "No audit has finished yet" in json.dumps(body)


def test_the_json_digest_round_trips() -> None:
    d = digest("AMLI Aero")
    body = digest_body("json", d)
    assert body["type"] == "propertyaudit.digest"
    assert Digest.model_validate(body) == d


def test_the_validators_refuse_what_the_services_refuse() -> None:
    """The schemas are not a formality: a long header, a bare `<`, 51 blocks, a MessageCard."""
    good = slack(Note(fallback="f", title="t", summary="s"))
    assert slack_errors(good) == []
    long_header = json.loads(json.dumps(good))
    long_header["blocks"][0]["text"]["text"] = "h" * (SLACK_HEADER + 1)
    bare = json.loads(json.dumps(good))
    bare["blocks"][1]["text"]["text"] = "<!channel> look"
    many = {**good, "blocks": good["blocks"] * 26}
    eleven = {**good, "blocks": [{"type": "section", "fields": [good["blocks"][1]["text"]] * 11}]}
    for body in (long_header, bare, many, eleven):
        assert slack_errors(body), body
    card = teams(Note(fallback="f", title="t", summary="s"))
    assert teams_errors(card) == []
    message_card = {"@type": "MessageCard", "summary": "s", "sections": []}
    assert teams_errors(message_card)
    huge = json.loads(json.dumps(card))
    huge["attachments"][0]["content"]["body"][0]["text"] = "x" * 40_000
    assert any("bytes" in e for e in teams_errors(huge))
