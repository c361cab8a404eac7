"""The report's traceable figures: the asker's location, the split by persona and by language
(only when the audit asked as more than one), each score and visibility linked to its answers
and each surface to its workflow, in Markdown and in HTML."""

from __future__ import annotations

import re

from reports.html import render_html
from reports.markdown import link, render_markdown
from tests.reports.sample import ANSWERS, HOSTILE, TEMPORAL, linked_report, report
from tests.reports.test_html import Page, without_charts
from tests.reports.test_markdown import cells, headings, row


def test_markdown_links_each_card_figure_and_surface() -> None:
    text = render_markdown(linked_report())
    openai = cells(row(text, f"[openai]({TEMPORAL}/audit-a-123-openai)"))
    assert openai[3] == f"[62.3]({ANSWERS}?run_id=r-openai)"
    assert openai[5] == f"[66.7%]({ANSWERS}?run_id=r-openai&present=true) (40–86)"
    claude = cells(row(text, f"[claude]({TEMPORAL}/audit-a-123-claude)"))
    assert claude[3] == "—" and claude[5] == "—"  # no figure, nothing to link
    assert text.splitlines()[2].endswith(" · asked from San Diego, CA, US")


def test_markdown_splits_by_persona_only_when_there_are_several() -> None:
    text = render_markdown(linked_report())
    assert "## By persona" in headings(text) and "## By language" not in headings(text)
    assert cells(row(text, "persona")) == ["persona", "openai", "claude"]
    general = cells(row(text, "any renter"))
    assert general[1] == (
        f"[62.5]({ANSWERS}?audit_id=a-123&surface=openai&persona=) · "
        f"[50.0%]({ANSWERS}?audit_id=a-123&surface=openai&persona=&present=true) visible · "
        "4 answers"
    )
    assert general[2] == "—"
    families = cells(row(text, "families"))
    assert families[1].endswith("visible · 1 answer")
    assert families[2] == "— · — visible · 0 answers"
    plain = render_markdown(report())
    assert "## By persona" not in plain and "asked from" not in plain and "](" not in plain


def test_a_target_that_could_break_out_of_the_link_stays_text() -> None:
    assert link("62.3", "https://x.example/answers?run_id=1") == (
        "[62.3](https://x.example/answers?run_id=1)"
    )
    for bad in ("https://x.example/a)(b", "https://x.example/a b", "", "https://x.example/[a]"):
        assert link("62.3", bad) == "62.3"
    assert link("—", "https://x.example/answers") == "—"


def test_html_links_figures_and_surfaces_and_shows_the_split() -> None:
    html = without_charts(render_html(linked_report()))
    page = Page(html)
    hrefs = [a["href"] for a in page.attrs_of("a")]
    assert f"{ANSWERS}?run_id=r-openai" in hrefs
    assert f"{ANSWERS}?run_id=r-openai&present=true" in hrefs
    assert f"{TEMPORAL}/audit-a-123-claude" in hrefs
    assert all(h and (h.startswith(ANSWERS) or h.startswith(TEMPORAL)) for h in hrefs)
    external = [a for a in page.attrs_of("a") if (a["href"] or "").startswith(TEMPORAL)]
    assert external and all(a["rel"] == "noopener noreferrer" for a in external)
    assert f'<div class="big"><a href="{ANSWERS}?run_id=r-openai">62.3</a></div>' in html
    assert '<div class="big">—</div>' in html  # the failed surface: no figure, no link
    assert "asked from <strong>San Diego, CA, US</strong>" in html
    ids = [a["id"] for a in page.attrs_of("section")]
    assert ids.index("segments") == ids.index("scorecard") + 1
    assert [t["data-split"] for t in page.attrs_of("table") if "data-split" in t] == ["persona"]
    families = next(c for c in page.texts["td"] if c.startswith("40.0"))
    assert families == "40.0 · 100% visible · 1 answer"
    assert "— · —% visible · 0 answers" in page.texts["td"]


def test_html_without_links_or_split_is_as_before() -> None:
    html = render_html(report())
    assert '<section id="segments">' not in html and "asked from" not in html
    assert "<a " not in html


def test_hostile_labels_and_locations_stay_text() -> None:
    hostile = linked_report(asker_location=HOSTILE)
    hostile.by_persona[1].label = HOSTILE
    html = render_html(hostile)
    assert "<script>alert(1)</script>" not in html
    text = render_markdown(hostile)
    assert "[win](http://evil.example)" not in text
    # Every link (a `](` whose bracket is not escaped) is one the report made.
    targets = re.findall(r"(?<!\\)\]\(([^)]*)\)", text)
    assert targets and all(url.startswith((ANSWERS, TEMPORAL)) for url in targets)
