"""Alerts and digests written for where people read them, as each property chose
(`alert_format`): plain JSON (the canonical payload as it is), Slack or Microsoft Teams.

The canonical payload is what the workflow's history keeps; the receiver's body is written from
it at send time (geo.cards), so changing a property's format changes the next message only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from geo.cards import Note, slack, teams
from geo.digest import Digest

AlertFormat = Literal["json", "slack", "teams"]
FORMATS: tuple[AlertFormat, ...] = ("json", "slack", "teams")
LEVEL_MARKS = {"critical": "🔴", "warning": "🟠", "competitive": "🔵", "success": "🟢"}


@dataclass(frozen=True)
class Links:
    """Where a message's links point: the API (which serves the dashboard) and the Temporal UI."""

    api: str
    temporal_ui: str = ""
    namespace: str = "default"

    def property_page(self, property_id: str) -> str:
        return f"{self.api.rstrip('/')}/app/properties/{property_id}"

    def audit_page(self, audit_id: str) -> str:
        return f"{self.api.rstrip('/')}/app/audits/{audit_id}"

    def audit_api(self, audit_id: str) -> str:
        return f"{self.api.rstrip('/')}/audits/{audit_id}/insights"

    def property_api(self, property_id: str) -> str:
        return f"{self.api.rstrip('/')}/properties/{property_id}/score"

    def workflow(self, workflow_id: str) -> str:
        if not self.temporal_ui or not workflow_id:
            return ""
        base = self.temporal_ui.rstrip("/")
        return f"{base}/namespaces/{self.namespace}/workflows/{quote(workflow_id, safe='')}"


def figure(now: object, before: object = None, unit: str = "") -> str:
    """`54.2` or `54.2 (▼ 16.8 from 71.0)`; `—` when there is no figure."""
    if not isinstance(now, int | float):
        return "—"
    text = f"{now:.1f}{unit}"
    if isinstance(before, int | float):
        change = now - before
        arrow = "▲" if change > 0.05 else "▼" if change < -0.05 else "▶"
        text += f" ({arrow} {abs(change):.1f} from {before:.1f}{unit})"
    return text


def _change(change: float | None) -> str:
    if change is None:
        return ""
    arrow = "▲" if change > 0.05 else "▼" if change < -0.05 else "▶"
    return f" {arrow} {abs(change):.1f}"


def _overtaken(item: object) -> str:
    """One entry of the payload's `overtaken` list, whatever its exact shape."""
    if not isinstance(item, Mapping):
        return str(item)
    who = item.get("competitor") or item.get("name") or "A competitor"
    where = item.get("surface")
    text = f"{who} overtook the property" + (f" on {where}" if where else "")
    theirs, ours = item.get("visibility"), item.get("property_visibility")
    if isinstance(theirs, int | float) and isinstance(ours, int | float):
        text += f" (visibility {theirs:.1f} % vs {ours:.1f} %)"
    return text


def alert_note(payload: Mapping[str, Any], links: Links, workflow_id: str = "") -> Note:
    """An alert (activities.insights.check_alerts' payload) as a message."""
    name = str(payload.get("property_name") or "A property")
    audit_id = str(payload.get("audit_id") or "")
    reasons = [str(r) for r in payload.get("reasons") or []]
    overtaken = [_overtaken(x) for x in payload.get("overtaken") or []]
    return Note(
        fallback=f"PropertyAudit alert for {name}: " + "; ".join(reasons or ["see the audit"]),
        title=f"⚠️ {name}: the latest audit needs attention",
        summary=f"Audit {audit_id[:8]} finished {payload.get('status', '')}; "
        f"{len(reasons)} thing(s) went wrong since the audit before.",
        facts=[
            ("Score", figure(payload.get("score"), payload.get("previous_score"))),
            (
                "Visibility",
                figure(payload.get("visibility_pct"), payload.get("previous_visibility_pct"), " %"),
            ),
        ],
        lists=[("What happened", reasons), ("Competitors ahead", overtaken)],
        links=[
            ("Open in the dashboard", links.audit_page(audit_id)),
            ("Insights (API)", links.audit_api(audit_id)),
            ("Workflow (Temporal UI)", links.workflow(workflow_id)),
        ],
        footer=f"PropertyAudit alert · audit {audit_id}",
    )


def digest_note(d: Digest) -> Note:
    """The weekly digest as a message."""
    period = f"{d.period_start:%d %b} – {d.period_end:%d %b %Y}"
    latest = d.latest
    if latest is None:
        summary = f"No audit has finished yet. Audits this week: {d.audits_this_week}."
    else:
        summary = (
            f"Score {figure(latest.score)}{_change(d.score_change)} · visibility "
            f"{figure(latest.visibility_pct, unit=' %')}{_change(d.visibility_change)} · "
            f"{d.audits_this_week} audit(s) this week"
        )
    surfaces = [
        (
            s.surface,
            f"{figure(s.score)}{_change(s.score_change)} · visibility "
            f"{figure(s.visibility_pct, unit=' %')}{_change(s.visibility_change)}",
        )
        for s in d.surfaces
    ]
    banners = d.banners
    return Note(
        fallback=f"Weekly digest for {d.property_name}: {summary}",
        title=f"📊 Weekly digest · {d.property_name}",
        summary=summary,
        facts=surfaces,
        lists=[
            ("Alerts", [f"{LEVEL_MARKS.get(b.level, '•')} {b.title}: {b.detail}" for b in banners]),
            (
                "Competitors named most",
                [f"{r.name} — {r.mentions} mention(s)" for r in d.top_competitors],
            ),
        ],
        links=[
            ("Dashboard", d.links.get("dashboard", "")),
            ("Latest audit", d.links.get("audit", "")),
            ("API", d.links.get("api", "")),
            ("Audit workflow (Temporal UI)", d.links.get("temporal", "")),
        ],
        footer=f"PropertyAudit weekly digest · {period}",
    )


def render(fmt: str, canonical: dict[str, Any], note: Note) -> dict[str, Any]:
    """The body a receiver of `fmt` expects; the canonical JSON for `json` (or anything else)."""
    if fmt == "slack":
        return slack(note)
    if fmt == "teams":
        return teams(note)
    return canonical


def alert_body(
    fmt: str, payload: dict[str, Any], links: Links, workflow_id: str = ""
) -> dict[str, Any]:
    return render(fmt, payload, alert_note(payload, links, workflow_id))


def digest_body(fmt: str, digest: Digest) -> dict[str, Any]:
    return render(fmt, digest.model_dump(mode="json"), digest_note(digest))
