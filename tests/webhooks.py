"""A local webhook receiver for the alert and digest tests, and the JSON Schemas of what Slack's
and Microsoft Teams' incoming webhooks accept, with their documented limits.

Sources (Slack's Block Kit reference, Microsoft's "Create and send messages" for Workflows
webhooks): Slack — `text` is the notification fallback, at most 50 blocks; a header's
plain_text at most 150 characters; a section's text at most 3,000, its fields at most 10 of at
most 2,000; a context at most 10 elements; a button's text at most 75, its url at most 3,000;
`&`, `<` and `>` escaped as HTML entities in mrkdwn. Teams — `{"type": "message",
"attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": null,
"content": <an AdaptiveCard>}]}`, Adaptive Cards only (no MessageCard), a message of about
28 KB at most.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jsonschema_rs

from config.egress import EgressPolicy

# The receiver listens on loopback: the SSRF guard lets it through only on this allow-list.
LOOPBACK = EgressPolicy.parse(["127.0.0.1/32"])
TEAMS_MAX_BYTES = 28 * 1024


class Receiver:
    """Records the JSON body of every POST and answers `status`."""

    def __init__(self, status: int = 200) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("content-length", 0)))
                outer.bodies.append(json.loads(raw))
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@contextmanager
def receiving(status: int = 200) -> Iterator[Receiver]:
    receiver = Receiver(status)
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


def _text(kind: str | list[str], limit: int) -> dict[str, Any]:
    kinds = [kind] if isinstance(kind, str) else kind
    return {
        "type": "object",
        "required": ["type", "text"],
        "properties": {
            "type": {"enum": kinds},
            "text": {"type": "string", "minLength": 1, "maxLength": limit},
            "emoji": {"type": "boolean"},
            "verbatim": {"type": "boolean"},
        },
        "additionalProperties": False,
    }


def _block(kind: str, required: list[str], **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", *required],
        "properties": {
            "type": {"const": kind},
            "block_id": {"type": "string", "maxLength": 255},
            **properties,
        },
        "additionalProperties": False,
    }


ANY_TEXT = ["plain_text", "mrkdwn"]
BUTTON = {
    "type": "object",
    "required": ["type", "text"],
    "properties": {
        "type": {"const": "button"},
        "text": _text("plain_text", 75),
        "url": {"type": "string", "maxLength": 3000},
        "action_id": {"type": "string", "maxLength": 255},
        "value": {"type": "string", "maxLength": 2000},
        "style": {"enum": ["primary", "danger"]},
    },
    "additionalProperties": False,
}
SECTION = _block(
    "section",
    [],
    text=_text(ANY_TEXT, 3000),
    fields={"type": "array", "minItems": 1, "maxItems": 10, "items": _text(ANY_TEXT, 2000)},
    accessory={"type": "object"},
) | {"anyOf": [{"required": ["text"]}, {"required": ["fields"]}]}
SLACK_MESSAGE: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["text", "blocks"],
    "properties": {
        "text": {"type": "string", "minLength": 1, "maxLength": 40000},
        "blocks": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {
                "oneOf": [
                    _block("header", ["text"], text=_text("plain_text", 150)),
                    SECTION,
                    _block(
                        "context",
                        ["elements"],
                        elements={
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 10,
                            "items": _text(ANY_TEXT, 3000),
                        },
                    ),
                    _block(
                        "actions",
                        ["elements"],
                        elements={"type": "array", "minItems": 1, "maxItems": 25, "items": BUTTON},
                    ),
                    _block("divider", []),
                ]
            },
        },
    },
    "additionalProperties": False,
}

TEXT_BLOCK = {
    "type": "object",
    "required": ["type", "text"],
    "properties": {
        "type": {"const": "TextBlock"},
        "text": {"type": "string", "minLength": 1},
        "wrap": {"type": "boolean"},
        "size": {"enum": ["Default", "Small", "Medium", "Large", "ExtraLarge"]},
        "weight": {"enum": ["Default", "Lighter", "Bolder"]},
        "color": {"enum": ["Default", "Dark", "Light", "Accent", "Good", "Warning", "Attention"]},
        "isSubtle": {"type": "boolean"},
        "spacing": {"enum": ["None", "Small", "Default", "Medium", "Large", "ExtraLarge"]},
        "separator": {"type": "boolean"},
    },
    "additionalProperties": False,
}
FACT_SET = {
    "type": "object",
    "required": ["type", "facts"],
    "properties": {
        "type": {"const": "FactSet"},
        "facts": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["title", "value"],
                "properties": {"title": {"type": "string"}, "value": {"type": "string"}},
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}
OPEN_URL = {
    "type": "object",
    "required": ["type", "url"],
    "properties": {
        "type": {"const": "Action.OpenUrl"},
        "title": {"type": "string", "minLength": 1},
        "url": {"type": "string", "pattern": "^https?://"},
    },
    "additionalProperties": False,
}
TEAMS_MESSAGE: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["type", "attachments"],
    "properties": {
        "type": {"const": "message"},
        "attachments": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["contentType", "content"],
                "properties": {
                    "contentType": {"const": "application/vnd.microsoft.card.adaptive"},
                    "contentUrl": {"type": "null"},
                    "content": {
                        "type": "object",
                        "required": ["$schema", "type", "version", "body"],
                        "properties": {
                            "$schema": {
                                "const": "http://adaptivecards.io/schemas/adaptive-card.json"
                            },
                            "type": {"const": "AdaptiveCard"},
                            "version": {"enum": ["1.4", "1.5"]},
                            "msteams": {"type": "object"},
                            "body": {
                                "type": "array",
                                "minItems": 1,
                                "items": {"oneOf": [TEXT_BLOCK, FACT_SET]},
                            },
                            "actions": {"type": "array", "items": OPEN_URL},
                        },
                        "additionalProperties": False,
                    },
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}
_SLACK = jsonschema_rs.validator_for(SLACK_MESSAGE)
_TEAMS = jsonschema_rs.validator_for(TEAMS_MESSAGE)
# A link `<https://…|label>` is Slack's own markup; anything else between < and > is not ours.
SLACK_LINK = re.compile(r"<https?://[^|<>\s]+\|[^<>]*>")


def slack_errors(body: dict[str, Any]) -> list[str]:
    """Why `body` is not a Slack message Slack would accept, or an unescaped control character."""
    errors = [f"{e.instance_path}: {e.message}" for e in _SLACK.iter_errors(body)]
    for text in mrkdwn_texts(body):
        bare = SLACK_LINK.sub("", text)
        if "<" in bare or ">" in bare or re.search(r"&(?!amp;|lt;|gt;)", bare):
            errors.append(f"unescaped control character in {text!r}")
    return errors


def mrkdwn_texts(body: dict[str, Any]) -> Iterator[str]:
    yield body.get("text", "")
    for block in body.get("blocks", []):
        for part in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
            if isinstance(part, dict) and part.get("type") == "mrkdwn":
                yield part["text"]


def teams_errors(body: dict[str, Any]) -> list[str]:
    """Why `body` is not a Teams Workflows webhook message, or too large for one."""
    errors = [f"{e.instance_path}: {e.message}" for e in _TEAMS.iter_errors(body)]
    size = len(json.dumps(body).encode("utf-8"))
    if size > TEAMS_MAX_BYTES:
        errors.append(f"{size} bytes: over Teams' {TEAMS_MAX_BYTES}")
    return errors
