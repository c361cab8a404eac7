"""The Markdown report: its sections, its figures, and user or model text kept inert."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from reports.markdown import md, render_markdown
from reports.model import QueryRow
from tests.reports.sample import HOSTILE, card, cell, competitor, recommendation, report


def headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("#")]


def row(text: str, first_cell: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| {first_cell} |"))


def cells(line: str) -> list[str]:
    """A table row's cells, split on the pipes that are not escaped."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]


def test_the_sections_come_in_order() -> None:
    assert headings(render_markdown(report())) == [
        "# GEO audit — AMLI Aero",
        "## Summary",
        "## Scorecard",
        "## Visibility by question type",
        "## Competitors",
        "## Score over past audits",
        "## Recommendations",
        "## Questions",
        "### Best apartments in Kearny Mesa _(local)_",
        "### Is AMLI Aero pet friendly? _(branded)_",
    ]


def test_optional_sections_are_left_out_when_empty() -> None:
    text = render_markdown(
        report(summary=None, trend=[], recommendations=[], agreement_rate=None, brand_sov_pct=None)
    )
    assert "## Summary" not in text and "## Score over past audits" not in text
    assert "No recommendation: nothing stands out." in text
    assert "Cross-model agreement" not in text and "Brand share" not in text
    assert text.endswith("\n") and not text.endswith("\n\n\n")


def test_the_header_states_how_the_audit_ran() -> None:
    plain = render_markdown(report()).splitlines()[2]
    assert plain == (
        "Kearny Mesa, San Diego, CA · audit `a-123` · 2026-03-04 05:06 UTC · "
        "status **completed** · mode structured · scoring rules v2"
    )
    rescored = datetime(2026, 3, 5, 7, 8, tzinfo=UTC)
    extras = render_markdown(
        report(web_search=True, samples_per_query=3, scoring_version=3, rescored_at=rescored)
    ).splitlines()[2]
    assert extras.endswith(
        "mode structured with web search · 3 samples per question · scoring rules v3, "
        "re-scored 2026-03-05 07:08 UTC"
    )


def test_scorecard_figures_are_rounded_and_missing_ones_dashed() -> None:
    text = render_markdown(report())
    assert cells(row(text, "openai")) == [
        "openai",
        "openai-model",
        "completed",
        "62.3",
        "58.0",
        "66.7% (40–86)",
        "2.3",
        "—",
        "26%",
        "12",
        "1",
        "$0.0123",
    ]
    assert cells(row(text, "claude")) == [
        "claude",
        "claude-model",
        "failed",
        *["—"] * 6,
        "0",
        "3",
        "$0.0000",
    ]
    assert "Cross-model agreement on presence: **75%**." in text
    assert "Brand share of cited sources: **19%**." in text


def test_visibility_by_type_is_sorted_by_type_with_a_column_per_surface() -> None:
    text = render_markdown(report())
    assert "| type | openai | claude |" in text
    assert row(text, "branded") == "| branded | 100.0% | — |"
    assert text.index("| branded |") < text.index("| local |")


def test_competitors_are_capped_and_the_trend_runs_oldest_first() -> None:
    many = [competitor(f"Rival {i:02d}", 30 - i, f"r{i}.com") for i in range(20)]
    text = render_markdown(report(competitors=many))
    assert "| Rival 14 |" in text and "| Rival 15 |" not in text
    assert row(text, "Rival 00") == "| Rival 00 | r0.com | 30 | 2.5 | 3 |"
    plain = render_markdown(report())
    assert row(plain, "Elan Row") == "| Elan Row | — | 2 | 2.5 | 3 |"
    assert plain.index("| 2026-01-01 00:00 | 40.0 | — |") < plain.index(
        "| 2026-02-01 00:00 | 55.0 | — |"
    )


def test_recommendations_show_priority_impact_author_and_actions() -> None:
    lines = render_markdown(report()).splitlines()
    start = lines.index("## Recommendations")
    assert lines[start + 2 : start + 6] == [
        "- **[high] Rank higher** (impact 85) — Why: Rank higher",
        "  - Do Rank higher",
        "- **[medium] Fix listings** (impact 55) _(written by openai)_ — Why: Fix listings",
        "  - Do Fix listings",
    ]
    anonymous = recommendation("Tidy up", source="llm", written_by=None)
    assert "_(written by a model)_" in render_markdown(report(recommendations=[anonymous]))


def test_each_question_shows_every_surface_outcome() -> None:
    extra = QueryRow(text="Quiet places?", type="faq", cells={"openai": cell(score=12.0)})
    lines = render_markdown(report(queries=[*report().queries, extra])).splitlines()
    assert (
        "- **openai**: rank 2, score 71.5; Vista Park, AMLI Aero, A, B, C; "
        "sources: yelp.com, amli.com; flags: no\\_sources"
    ) in lines
    assert "- **claude**: error — timeout" in lines
    assert "- **openai**: absent, score 0.0; no entities" in lines
    assert "- **openai**: named, score 12.0; no entities" in lines


def test_md_escapes_markup_defuses_html_and_keeps_one_line() -> None:
    assert md("*a* _b_ `c` [d](e) ~f~ g|h \\") == (
        "\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\~f\\~ g\\|h \\\\"
    )
    assert md("<b>Tom & Jerry</b>") == "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;"
    assert md("two\nlines\r\n  and\ttabs") == "two lines and tabs"
    assert md(42.5) == "42.5"


def test_a_hostile_property_name_renders_as_its_own_text() -> None:
    hostile_card = card(HOSTILE, model=HOSTILE, status=HOSTILE)
    data = report(
        property_name=HOSTILE,
        location=HOSTILE,
        surfaces=[HOSTILE],
        cards=[hostile_card],
        competitors=[competitor(HOSTILE, 3, HOSTILE)],
        recommendations=[recommendation(HOSTILE, action_items=[HOSTILE])],
    )
    text = render_markdown(data)
    assert "<script>" not in text and "[win](" not in text and "**bold**" not in text
    assert headings(text)[0] == (
        "# GEO audit — \\[win\\](http://evil.example) \\*\\*bold\\*\\* "
        '&lt;script&gt;alert(1)&lt;/script&gt; \\| \\`x\\` \\_y\\_ " onload="z'
    )
    # A pipe inside a value is no cell border: every table row keeps its twelve cells.
    lines = text.splitlines()
    scorecard_row = lines[lines.index("## Scorecard") + 4]
    assert len(cells(scorecard_row)) == 12
    assert cells(scorecard_row)[0] == md(HOSTILE)
