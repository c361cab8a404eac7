"""The report as Markdown: the same facts as the HTML page, without charts.

Every text that came from a user (property, questions) or a model (names, summaries, errors) is
escaped, so it renders as the text it is: no link, emphasis, table cell or HTML of its own.
"""

from __future__ import annotations

import re

from reports.model import QueryRow, ReportData, SegmentCell, SegmentRow

# Inline markup only: every value sits after a fixed prefix, never at the start of a line.
_MARKUP = re.compile(r"([\\`*_\[\]|~])")
# A link target this report writes (its own /answers URLs, the Temporal UI's): nothing that
# could end the link early or start markup of its own.
_TARGET = re.compile(r"[^\s()<>\[\]\\`|]+")


def md(text: object) -> str:
    """Text for Markdown: markup characters escaped, HTML defused, one line, pipes safe."""
    value = " ".join(str(text).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKUP.sub(r"\\\1", value)


def _n(value: float | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value:.1f}{suffix}"


def link(text: str, url: str) -> str:
    """`text` (already Markdown) linked to `url`; the text alone without a usable URL."""
    return f"[{text}]({url})" if text != "—" and url and _TARGET.fullmatch(url) else text


def _header(data: ReportData) -> list[str]:
    extras = (" with web search" if data.web_search else "") + (
        f" · {data.samples_per_query} samples per question" if data.samples_per_query > 1 else ""
    )
    rescored = f", re-scored {data.rescored_at:%Y-%m-%d %H:%M} UTC" if data.rescored_at else ""
    lines = [
        f"# GEO audit — {md(data.property_name)}",
        "",
        f"{md(data.location)} · audit `{data.audit_id}` · {data.created_at:%Y-%m-%d %H:%M} UTC · "
        f"status **{md(data.status)}** · mode {md(data.mode)}{extras}"
        f" · scoring rules v{data.scoring_version}{rescored}"
        + (f" · asked from {md(data.asker_location)}" if data.asker_location else ""),
        "",
    ]
    if data.summary:
        lines += ["## Summary", "", md(data.summary.summary), ""]
        lines += [f"- **{i.priority}**: {md(i.insight)}" for i in data.summary.key_insights]
        lines += ["", f"_Written by: {md(data.summary.source)}_", ""]
    return lines


def _scorecard(data: ReportData) -> list[str]:
    lines = [
        "## Scorecard",
        "",
        "| surface | model | status | score | weighted | visibility | avg rank | "
        "link rank | SoV | answers | errors | cost |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in data.cards:
        ci = f" ({c.visibility_ci[0]:.0f}–{c.visibility_ci[1]:.0f})" if c.visibility_ci else ""
        sov = "—" if c.avg_sov is None else f"{100 * c.avg_sov:.0f}%"
        lines.append(
            f"| {link(md(c.surface), c.workflow_url)} | {md(c.model)} | {md(c.status)} | "
            f"{link(_n(c.overall_score), c.answers_url)} | {_n(c.weighted_score)} | "
            f"{link(_n(c.visibility_pct, '%'), c.present_url)}{ci} | {_n(c.avg_llm_rank)} | "
            f"{_n(c.avg_link_rank)} | {sov} | {c.answered} | {c.errors} | ${c.cost_usd:.4f} |"
        )
    surfaces = [md(s) for s in data.surfaces]
    lines += [
        "",
        "## Visibility by question type",
        "",
        "| type | " + " | ".join(surfaces) + " |",
        "|---|" + "---|" * len(surfaces),
    ]
    for qtype, row in sorted(data.visibility_by_type.items()):
        cells = " | ".join(_n(row.get(s), "%") for s in data.surfaces)
        lines.append(f"| {md(qtype)} | {cells} |")
    lines += _segments("By persona", "persona", data.by_persona, data.surfaces)
    lines += _segments("By language", "language", data.by_language, data.surfaces)
    if data.agreement_rate is not None:
        lines += ["", f"Cross-model agreement on presence: **{data.agreement_rate:.0f}%**."]
    if data.brand_sov_pct is not None:
        lines += [f"Brand share of cited sources: **{data.brand_sov_pct:.0f}%**."]
    return lines


def _segment_cell(cell: SegmentCell | None) -> str:
    if cell is None:
        return "—"
    score = link(_n(cell.score), cell.answers_url)
    seen = link(_n(cell.visibility_pct, "%"), cell.present_url)
    noun = "answer" if cell.answers == 1 else "answers"
    return f"{score} · {seen} visible · {cell.answers} {noun}"


def _segments(title: str, noun: str, rows: list[SegmentRow], surfaces: list[str]) -> list[str]:
    """A table of each persona's (or language's) score and visibility per surface."""
    if not rows:
        return []
    lines = [
        "",
        f"## {title}",
        "",
        f"| {noun} | " + " | ".join(md(s) for s in surfaces) + " |",
        "|---|" + "---|" * len(surfaces),
    ]
    for row in rows:
        cells = " | ".join(_segment_cell(row.cells.get(s)) for s in surfaces)
        lines.append(f"| {md(row.label)} | {cells} |")
    return lines


def _competitors_and_trend(data: ReportData) -> list[str]:
    lines = [
        "",
        "## Competitors",
        "",
        "| competitor | domain | mentions | avg rank | citations |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {md(c.name)} | {md(c.domain) or '—'} | {c.mentions} | {c.avg_rank} | {c.citations} |"
        for c in data.competitors[:15]
    ]
    if data.trend:
        lines += [
            "",
            "## Score over past audits",
            "",
            "| audit | " + " | ".join(md(s) for s in data.surfaces) + " |",
            "|---|" + "---|" * len(data.surfaces),
        ]
        for p in sorted(data.trend, key=lambda p: p.at):
            cells = " | ".join(_n(p.scores.get(s)) for s in data.surfaces)
            lines.append(f"| {p.at:%Y-%m-%d %H:%M} | {cells} |")
    return lines


def _recommendations(data: ReportData) -> list[str]:
    lines = ["", "## Recommendations", ""]
    for r in data.recommendations:
        by = f" _(written by {md(r.written_by or 'a model')})_" if r.source == "llm" else ""
        lines.append(
            f"- **[{r.priority}] {md(r.title)}** (impact {r.impact_score}){by} — "
            f"{md(r.description)}"
        )
        lines += [f"  - {md(a)}" for a in r.action_items]
    if not data.recommendations:
        lines.append("No recommendation: nothing stands out.")
    return lines


def _question(q: QueryRow) -> list[str]:
    lines = [f"### {md(q.text)} _({md(q.type)})_"]
    for surface, cell in q.cells.items():
        if cell.error:
            lines.append(f"- **{md(surface)}**: error — {md(cell.error)}")
            continue
        where = f"rank {cell.rank}" if cell.rank else ("named" if cell.presence else "absent")
        entities = ", ".join(md(e) for e in cell.entities[:5]) or "no entities"
        sources = ", ".join(md(c) for c in cell.citations[:5])
        flags = ", ".join(md(f) for f in cell.flags)
        lines.append(
            f"- **{md(surface)}**: {where}, score {_n(cell.score)}; {entities}"
            + (f"; sources: {sources}" if sources else "")
            + (f"; flags: {flags}" if flags else "")
        )
    return [*lines, ""]


def render_markdown(data: ReportData) -> str:
    lines = [
        *_header(data),
        *_scorecard(data),
        *_competitors_and_trend(data),
        *_recommendations(data),
        "",
        "## Questions",
        "",
    ]
    for q in data.queries:
        lines += _question(q)
    return "\n".join(lines) + "\n"
