"""A message written for a Slack incoming webhook (a `text` fallback and Block Kit blocks) or a
Microsoft Teams Workflows webhook (a message carrying one Adaptive Card).

Both are written from one format-neutral `Note`. Slack's documented limits are kept by
construction (header 150 characters, section text 3,000, at most 10 fields of 2,000 each, at
most 50 blocks), and `&`, `<` and `>` are escaped in everything a user or a model wrote, so a
property named `<!channel>` pings no one. Teams cards stay far below its ~28 KB message limit:
lists are cut at MAX_ITEMS lines of at most ITEM characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SLACK_HEADER = 150
SLACK_TEXT = 3000
SLACK_FIELDS = 10
SLACK_BLOCKS = 50
ITEM = 300  # one line of a list, a fact's value (before escaping: at most 5x longer after)
LABEL = 60
MAX_ITEMS = 20
ADAPTIVE_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
# Adaptive Cards' Markdown subset: what would turn a name into emphasis or a link.
TEAMS_MARKUP = "\\*_[]`~"


@dataclass(frozen=True)
class Note:
    """A message before it is written for a receiver. Every string is plain text."""

    fallback: str  # one line: Slack's `text`, shown in notifications
    title: str
    summary: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    lists: list[tuple[str, list[str]]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    footer: str = ""


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def linkable(url: str) -> bool:
    """Ours and well formed: a link a message may carry as it is."""
    return (
        url.startswith(("https://", "http://"))
        and len(url) <= 2000
        and not any(c in url for c in ' <>|"\n')
    )


def slack_escape(text: str) -> str:
    """Slack's three control characters, as its formatting reference asks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def _slack_list(heading: str, items: list[str]) -> str:
    """A bold heading and bullet lines, stopping before SLACK_TEXT."""
    out = f"*{slack_escape(clip(heading, LABEL))}*"
    for item in items[:MAX_ITEMS]:
        line = "\n• " + slack_escape(clip(item, ITEM))
        if len(out) + len(line) > SLACK_TEXT:
            break
        out += line
    return out


def _slack_links(links: list[tuple[str, str]]) -> str:
    """`<url|label>` links on one line (no buttons: those need an app with interactivity)."""
    out = ""
    for label, url in links:
        link = f"<{url}|{slack_escape(clip(label, LABEL))}>"
        if linkable(url) and len(out) + len(link) + 5 <= SLACK_TEXT:
            out = f"{out}  ·  {link}" if out else link
    return out


def slack(note: Note) -> dict[str, Any]:
    """A Slack incoming-webhook body: `text` for notifications, Block Kit for the message."""
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": clip(note.title, SLACK_HEADER), "emoji": True},
        }
    ]
    if note.summary:
        blocks.append({"type": "section", "text": _mrkdwn(slack_escape(clip(note.summary, ITEM)))})
    facts = [
        _mrkdwn(f"*{slack_escape(clip(k, LABEL))}*\n{slack_escape(clip(v, ITEM) or '—')}")
        for k, v in note.facts
    ]
    for start in range(0, len(facts), SLACK_FIELDS):
        blocks.append({"type": "section", "fields": facts[start : start + SLACK_FIELDS]})
    for heading, items in note.lists:
        if items:
            blocks.append({"type": "section", "text": _mrkdwn(_slack_list(heading, items))})
    links = _slack_links(note.links)
    if links:
        blocks.append({"type": "section", "text": _mrkdwn(links)})
    if note.footer:
        blocks.append(
            {"type": "context", "elements": [_mrkdwn(slack_escape(clip(note.footer, ITEM)))]}
        )
    return {"text": slack_escape(clip(note.fallback, ITEM)), "blocks": blocks[:SLACK_BLOCKS]}


def teams_escape(text: str) -> str:
    """Backslash before the Markdown an Adaptive Card would render (emphasis, links)."""
    return "".join("\\" + c if c in TEAMS_MARKUP else c for c in text)


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": teams_escape(text), "wrap": True, **style}


def teams(note: Note) -> dict[str, Any]:
    """A Teams Workflows webhook body: a message whose one attachment is an Adaptive Card."""
    body: list[dict[str, Any]] = [_text(clip(note.title, ITEM), size="Large", weight="Bolder")]
    if note.summary:
        body.append(_text(clip(note.summary, ITEM)))
    if note.facts:
        facts = [
            {"title": teams_escape(clip(k, LABEL)), "value": teams_escape(clip(v, ITEM) or "—")}
            for k, v in note.facts
        ]
        body.append({"type": "FactSet", "facts": facts})
    for heading, items in note.lists:
        if items:
            body.append(_text(clip(heading, LABEL), weight="Bolder", spacing="Medium"))
            body.extend(_text("• " + clip(i, ITEM), spacing="Small") for i in items[:MAX_ITEMS])
    if note.footer:
        body.append(_text(clip(note.footer, ITEM), isSubtle=True, size="Small"))
    card = {
        "$schema": ADAPTIVE_SCHEMA,
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": body,
        "actions": [
            {"type": "Action.OpenUrl", "title": clip(label, LABEL), "url": url}
            for label, url in note.links
            if linkable(url)
        ],
    }
    return {
        "type": "message",
        "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}],
    }
