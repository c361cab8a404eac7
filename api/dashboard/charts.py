"""The property page's charts: pygal SVG inlined in the page, styled like the report's.

Nothing is fetched (`js=[]`), and the configuration script pygal always writes into the SVG is
taken out: the page allows no inline script, and the charts need none. Each function answers
None when there is nothing to draw; the page says so in words instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pygal
from markupsafe import Markup

from reports.charts import _config

# pygal's text is escaped by its XML writer, so the first `</script>` closes the element.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def _svg(chart: Any) -> Markup:
    svg = _SCRIPT.sub("", str(chart.render(is_unicode=True)))
    return Markup(svg)  # pygal's own SVG: its text escaped by its XML writer


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0f} %"


def score_history(
    labels: Sequence[str],
    scores: Mapping[str, Sequence[float | None]],
    visibility: Mapping[str, Sequence[float | None]],
) -> Markup | None:
    """Per surface, its score (solid) and its visibility (dashed) in each audit (oldest first)."""
    if not labels or not any(v is not None for values in scores.values() for v in values):
        return None
    chart = pygal.Line(
        **_config(
            title="Score and visibility per surface, audit by audit",
            range=(0, 100),
            dots_size=4,
            x_label_rotation=20 if len(labels) > 4 else 0,
            truncate_label=-1,
            show_minor_x_labels=len(labels) <= 12,
            x_labels_major_count=12,
        )
    )
    chart.x_labels = list(labels)
    for surface, values in scores.items():
        chart.add(f"{surface} score", list(values))
    for surface, values in visibility.items():
        chart.add(f"{surface} visibility %", list(values), stroke_style={"dasharray": "6, 4"})
    return _svg(chart)


def type_rings(visibility: Mapping[str, float]) -> Markup | None:
    """One ring per question type: the share of its answers naming the property."""
    if not visibility:
        return None
    chart = pygal.SolidGauge(
        **_config(
            title="Visibility by question type (mean over surfaces)",
            inner_radius=0.7,
            half_pie=False,
            height=300,
        )
    )
    chart.value_formatter = _percent
    for kind, pct in visibility.items():
        chart.add(kind, [{"value": pct, "max_value": 100}])
    return _svg(chart)


def competitor_mentions(
    labels: Sequence[str], mentions: Mapping[str, Sequence[int | None]]
) -> Markup | None:
    """How often each leading alternative was recommended, audit by audit (oldest first)."""
    if not labels or not mentions:
        return None
    chart = pygal.Line(
        **_config(
            title="Mentions of the leading alternatives, audit by audit",
            dots_size=4,
            x_label_rotation=20 if len(labels) > 4 else 0,
            truncate_label=-1,
            include_x_axis=True,
            min_scale=1,
        )
    )
    chart.x_labels = list(labels)
    for name, values in mentions.items():
        chart.add(name, list(values))
    return _svg(chart)
