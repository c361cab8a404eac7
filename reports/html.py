"""The report as one self-contained HTML page: inline CSS and server-side SVG charts."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from reports.charts import all_charts
from reports.model import ReportData

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(data: ReportData) -> str:
    return _ENV.get_template("report.html.j2").render(d=data, charts=all_charts(data))
