"""Charts rendered on the server to SVG (pygal), inlined in the report: nothing is fetched."""

from __future__ import annotations

import pygal
from pygal.style import Style

from reports.model import ReportData

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#334155",
    foreground_strong="#0f172a",
    foreground_subtle="#cbd5e1",
    colors=("#2563eb", "#f97316", "#16a34a", "#9333ea", "#dc2626"),
    font_family="system-ui, sans-serif",
)


def _config(**extra: object) -> dict[str, object]:
    # js=[]: pygal would otherwise load its tooltip script from a CDN.
    return {
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 720,
        "height": 340,
        "legend_at_bottom": True,
        "print_values": False,
        **extra,
    }


def scorecard(data: ReportData) -> str:
    chart = pygal.Bar(**_config(title="Score and visibility per surface", range=(0, 100)))
    chart.x_labels = [c.surface for c in data.cards]
    chart.add("Score", [c.overall_score or 0 for c in data.cards])
    chart.add("Visibility %", [c.visibility_pct or 0 for c in data.cards])
    return str(chart.render(is_unicode=True))


def visibility_by_type(data: ReportData) -> str:
    chart = pygal.Bar(**_config(title="Visibility by question type (%)", range=(0, 100)))
    types = sorted(data.visibility_by_type)
    chart.x_labels = types
    for surface in data.surfaces:
        chart.add(surface, [data.visibility_by_type[t].get(surface) for t in types])
    return str(chart.render(is_unicode=True))


def competitors(data: ReportData) -> str:
    top = data.competitors[:10]
    chart = pygal.HorizontalBar(**_config(title="Most recommended alternatives (mentions)"))
    chart.x_labels = [c.name for c in reversed(top)]
    chart.add("Mentions", [c.mentions for c in reversed(top)])
    return str(chart.render(is_unicode=True))


def trend(data: ReportData) -> str:
    chart = pygal.Line(**_config(title="Score over past audits", range=(0, 100), dots_size=4))
    points = sorted(data.trend, key=lambda p: p.at)
    chart.x_labels = [p.at.strftime("%Y-%m-%d %H:%M") for p in points]
    for surface in data.surfaces:
        chart.add(surface, [p.scores.get(surface) for p in points])
    return str(chart.render(is_unicode=True))


def all_charts(data: ReportData) -> dict[str, str]:
    return {
        "scorecard": scorecard(data),
        "visibility_by_type": visibility_by_type(data),
        "competitors": competitors(data),
        "trend": trend(data),
    }
