"""The HTML report: one self-contained page whose every user or model text is escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from reports.html import render_html
from reports.model import ReportData
from tests.reports.sample import (
    HOSTILE,
    card,
    competitor,
    linked_report,
    recommendation,
    report,
)


class Page(HTMLParser):
    """What a browser would build: elements with their attributes, and the text of some."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, list[str]] = {}
        self._open: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._open.append(tag)
        self.texts.setdefault(tag, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        for tag in {*self._open} & {"title", "h1", "strong", "td", "li", "p"}:
            self.texts[tag][-1] += data

    def attrs_of(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.elements if name == tag]


def without_charts(html: str) -> str:
    return re.sub(r"<svg\b.*?</svg>", "<svg/>", html, flags=re.DOTALL)


def test_the_sections_and_charts_of_the_page() -> None:
    page = Page(render_html(report()))
    assert [a["id"] for a in page.attrs_of("section")] == [
        "summary",
        "scorecard",
        "competitors",
        "recommendations",
        "questions",
    ]
    assert [a["data-chart"] for a in page.attrs_of("figure")] == [
        "scorecard",
        "visibility_by_type",
        "competitors",
        "trend",
    ]
    html = render_html(report())
    charts = re.findall(r'<figure class="chart" data-chart="(\w+)"><svg\b', html)
    assert charts == ["scorecard", "visibility_by_type", "competitors", "trend"]
    no_summary = Page(render_html(report(summary=None)))
    assert "summary" not in [a["id"] for a in no_summary.attrs_of("section")]


def test_nothing_is_fetched_from_elsewhere() -> None:
    """Links to the answers and workflows are for a reader to follow; nothing loads by itself."""
    for data in (report(), linked_report()):
        page = Page(render_html(data))
        assert not page.attrs_of("link") and not page.attrs_of("img")
        assert not page.attrs_of("iframe")
        for tag, attrs in page.elements:
            assert "src" not in attrs and "xlink:href" not in attrs, (tag, attrs)
            assert "href" not in attrs or tag == "a", (tag, attrs)
    assert not Page(render_html(report())).attrs_of("a")


def test_cards_show_rounded_figures_and_dashes_for_missing_ones() -> None:
    html = without_charts(render_html(report()))
    scorecard = html[html.index('<section id="scorecard">') : html.index('<div class="charts">')]
    openai, claude = scorecard.split('<div class="card">')[1:]
    assert '<div class="big">62.3</div>' in openai
    assert "visibility 67%" in openai and "(95% CI 40–86)" in openai
    assert "avg rank 2.26 · link rank —" in openai
    assert "12 answers · 1 errors · $0.0123" in openai
    assert '<div class="big">—</div>' in claude and "visibility —%" in claude
    assert '<span class="status-failed">failed</span>' in claude
    assert '<div class="no">provider unavailable</div>' in claude
    texts = " ".join(Page(html).texts["p"])
    assert "Cross-model agreement on presence: 75%." in texts
    assert "Brand share of cited sources: 19%." in texts


def test_cited_domains_mark_the_brands_own() -> None:
    html = render_html(report())
    assert "<tr><td>amli.com</td><td>3</td><td>yes</td></tr>" in html
    assert "<tr><td>yelp.com</td><td>5</td><td></td></tr>" in html


def test_recommendations_show_priority_impact_and_author() -> None:
    html = render_html(report())
    assert '<strong class="prio-high">[high]</strong> <strong>Rank higher</strong> · impact 85' in (
        html
    )
    assert "· <em>written by openai</em>" in html
    assert "<li>Do Fix listings</li>" in html
    assert "<p>Nothing stands out.</p>" in render_html(report(recommendations=[]))


def test_question_cells_show_rank_score_and_at_most_five_entities() -> None:
    cells = Page(without_charts(render_html(report()))).texts["td"]
    best = next(c for c in cells if c.strip().startswith("rank 2"))
    assert "· 72" in best and "Vista Park, AMLI Aero, A, B, C" in best
    assert "Sixth" not in best and "no_sources" in best and "yelp.com, amli.com" in best
    assert any(c.strip() == "error: timeout" for c in cells)
    assert any(c.strip().startswith("absent") and "· 0" in c for c in cells)
    assert any(c.strip() == "—" for c in cells)  # claude never answered the second question


def hostile_report() -> ReportData:
    return report(
        property_name=HOSTILE,
        location=HOSTILE,
        cards=[card("openai", model=HOSTILE, status=HOSTILE, error_message=HOSTILE)],
        competitors=[competitor(HOSTILE, 3)],
        recommendations=[recommendation(HOSTILE, action_items=[HOSTILE])],
    )


def test_hostile_text_is_shown_as_text_and_never_becomes_markup() -> None:
    html = render_html(hostile_report())
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = Page(without_charts(html))
    assert page.texts["title"] == [f"GEO audit — {HOSTILE}"]
    assert page.texts["h1"] == [f"GEO audit — {HOSTILE}"]
    assert HOSTILE in page.texts["li"]
    # The quote in the status cannot close the class attribute and add a handler.
    assert all("onload" not in attrs for _, attrs in page.elements)
    assert f"status-{HOSTILE}" in [a.get("class") for a in page.attrs_of("span")]
    # The only scripts are the charts' inline settings, which load nothing.
    scripts = Page(html).attrs_of("script")
    assert scripts and all(attrs == {"type": "text/javascript"} for attrs in scripts)
