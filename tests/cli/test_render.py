"""The scorecard and the audit list fit an 80-column terminal with every header whole."""

from __future__ import annotations

import re

from rich.console import Console

from cli.render import SCORE_COLUMNS, audit_table, scorecard
from tests.cli.samples import AUDIT_ID, insights, surface_score

HEADERS = ("surface", *SCORE_COLUMNS)


def rendered(width: int = 80) -> str:
    console = Console(width=width, record=True)
    scorecard(
        console,
        insights(
            surface_score("openai", "gpt-5.5"),
            surface_score("claude", "claude-sonnet-5-5"),
            surface_score("perplexity", "sonar-reasoning-pro", "cancelled"),
            {"surface": "gemini", "model": "gemini-2.5-pro", "status": "failed", "score": None},
        ),
    )
    return console.export_text()


def header_lines(text: str) -> list[str]:
    """The lines above the rule under the header, title excluded."""
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if set(line.strip()) == {"─"})
    return lines[1:rule]


def test_the_scorecard_fits_80_columns_with_whole_headers() -> None:
    text = rendered()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text  # no header or figure cut short
    header_words = " ".join(header_lines(text)).split()
    for header in HEADERS:
        for word in header.split():
            assert word in header_words, (word, header_lines(text))
    # Headers of two words are stacked, each word over the other in its column.
    lines = header_lines(text)
    assert len(lines) == 2 and re.search(r"avg\s+link", lines[0])


def test_the_scorecard_shows_every_model_and_figure_whole() -> None:
    text = rendered()
    for name in ("claude-sonnet-5-5", "sonar-reasoning-pro", "gemini-2.5-pro", "cancelled"):
        assert name in text
    assert re.search(r"openai\s+71\.2\s+68\.0\s+100\.0%\s+1\.4\s+10\.0\s+35%\s+25000\s+120", text)


def test_the_audit_list_keeps_ids_whole_at_80_columns() -> None:
    console = Console(width=80, record=True)
    runs = [{"surface": s, "score": 71.25} for s in ("openai", "claude", "perplexity")]
    audit = {
        "audit_id": AUDIT_ID,
        "status": "completed",
        "created_at": "2026-11-01T09:30:12.345",
        "runs": runs,
    }
    console.print(audit_table([audit]))
    text = console.export_text()
    assert AUDIT_ID in text and "2026-11-01 09:30" in text and "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
