"""The report's charts: SVG drawn on the server, self-contained, with the report's figures."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from reports import charts
from reports.model import ReportData, TrendPoint
from tests.reports.sample import HOSTILE, card, competitor, report

SVG = "{http://www.w3.org/2000/svg}"
Chart = Callable[[ReportData], str]
ALL: list[Chart] = [charts.scorecard, charts.visibility_by_type, charts.competitors, charts.trend]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def title(root: ET.Element) -> str:
    return next(t.text or "" for t in root.iter(f"{SVG}text") if "title" in t.get("class", ""))


def legends(root: ET.Element) -> list[str]:
    return [
        t.text or ""
        for group in root.iter(f"{SVG}g")
        if "legend" in group.get("class", "").split()
        for t in group.iter(f"{SVG}text")
    ]


def values(root: ET.Element) -> list[str]:
    return [d.text or "" for d in root.iter(f"{SVG}desc") if d.get("class") == "value"]


def x_labels(root: ET.Element) -> list[str]:
    return [d.text or "" for d in root.iter(f"{SVG}desc") if d.get("class") == "x_label"]


@pytest.mark.parametrize("chart", ALL)
def test_each_chart_is_an_inline_svg_of_its_own_size(chart: Chart) -> None:
    svg = chart(report())
    assert svg.startswith("<svg") and "<?xml" not in svg  # ready to inline in the page
    root = parse(svg)
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 720 340"


@pytest.mark.parametrize("chart", ALL)
def test_no_chart_loads_a_script(chart: Chart) -> None:
    root = parse(chart(report()))
    scripts = list(root.iter(f"{SVG}script"))
    assert all(not any("href" in name for name in s.attrib) for s in scripts)
    assert "kozea.github.io" not in chart(report())


def test_the_scorecard_plots_score_and_visibility_per_surface() -> None:
    root = parse(charts.scorecard(report()))
    assert title(root) == "Score and visibility per surface"
    assert legends(root) == ["Score", "Visibility %"]
    # A failed surface's missing figures are drawn as zero, not left out.
    assert values(root) == ["62.345", "0", "66.667", "0"]
    assert x_labels(root) == ["openai", "claude", "openai", "claude"]


def test_visibility_by_type_has_a_series_per_surface_and_types_in_order() -> None:
    root = parse(charts.visibility_by_type(report()))
    assert title(root) == "Visibility by question type (%)"
    assert legends(root) == ["openai", "claude"]
    assert values(root) == ["100", "50"]  # branded then local; claude has no figure
    assert x_labels(root) == ["branded", "local"]


def test_competitors_shows_the_top_ten_best_on_top() -> None:
    many = [competitor(f"Rival {i:02d}", 30 - i) for i in range(12)]
    root = parse(charts.competitors(report(competitors=many)))
    assert title(root) == "Most recommended alternatives (mentions)"
    labels = [t.text for t in root.iter(f"{SVG}text") if (t.text or "").startswith("Rival")]
    assert labels == [f"Rival {i:02d}" for i in reversed(range(10))]
    assert values(root) == [str(30 - i) for i in reversed(range(10))]


def test_the_trend_runs_oldest_first() -> None:
    points = [
        TrendPoint(audit_id=f"t{d}", at=datetime(2026, 1, d, 9, 30, tzinfo=UTC), scores=s)
        for d, s in [(3, {"openai": 70.0}), (1, {"openai": 50.0, "claude": 20.0})]
    ]
    root = parse(charts.trend(report(trend=points)))
    assert title(root) == "Score over past audits"
    assert legends(root) == ["openai", "claude"]
    labels = [t.text for t in root.iter(f"{SVG}text") if (t.text or "").startswith("2026-")]
    assert labels == ["2026-01-01 09:30", "2026-01-03 09:30"]
    assert values(root) == ["50", "70", "20"]


def test_chart_labels_are_text_not_markup() -> None:
    data = report(surfaces=[HOSTILE], cards=[card(HOSTILE)], competitors=[competitor(HOSTILE, 2)])
    for svg in charts.all_charts(data).values():
        assert "<script>alert" not in svg
        root = parse(svg)  # still well-formed XML
        shown = {e.text for e in root.iter() if e.tag in {f"{SVG}title", f"{SVG}desc"}}
        assert HOSTILE in shown  # the label, whole and as written, in the hover text


def test_all_charts_are_named_as_the_page_places_them() -> None:
    assert list(charts.all_charts(report())) == [
        "scorecard",
        "visibility_by_type",
        "competitors",
        "trend",
    ]
