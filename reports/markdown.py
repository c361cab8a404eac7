"""The report as Markdown: the same facts as the HTML page, without charts."""

from __future__ import annotations

from reports.model import ReportData


def _n(value: float | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value:.1f}{suffix}"


def render_markdown(data: ReportData) -> str:
    lines = [
        f"# GEO audit — {data.property_name}",
        "",
        f"{data.location} · audit `{data.audit_id}` · {data.created_at:%Y-%m-%d %H:%M} UTC · "
        f"status **{data.status}** · mode {data.mode}"
        + (" with web search" if data.web_search else "")
        + (
            f" · {data.samples_per_query} samples per question"
            if data.samples_per_query > 1
            else ""
        )
        + f" · scoring rules v{data.scoring_version}"
        + (f", re-scored {data.rescored_at:%Y-%m-%d %H:%M} UTC" if data.rescored_at else ""),
        "",
    ]
    if data.summary:
        lines += ["## Summary", "", data.summary.summary, ""]
        lines += [f"- **{i.priority}**: {i.insight}" for i in data.summary.key_insights]
        lines += ["", f"_Written by: {data.summary.source}_", ""]
    lines += [
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
            f"| {c.surface} | {c.model} | {c.status} | {_n(c.overall_score)} | "
            f"{_n(c.weighted_score)} | {_n(c.visibility_pct, '%')}{ci} | {_n(c.avg_llm_rank)} | "
            f"{_n(c.avg_link_rank)} | {sov} | {c.answered} | {c.errors} | ${c.cost_usd:.4f} |"
        )
    lines += [
        "",
        "## Visibility by question type",
        "",
        "| type | " + " | ".join(data.surfaces) + " |",
        "|---|" + "---|" * len(data.surfaces),
    ]
    for qtype, row in sorted(data.visibility_by_type.items()):
        lines.append(
            f"| {qtype} | " + " | ".join(_n(row.get(s), "%") for s in data.surfaces) + " |"
        )
    if data.agreement_rate is not None:
        lines += ["", f"Cross-model agreement on presence: **{data.agreement_rate:.0f}%**."]
    if data.brand_sov_pct is not None:
        lines += [f"Brand share of cited sources: **{data.brand_sov_pct:.0f}%**."]
    lines += [
        "",
        "## Competitors",
        "",
        "| competitor | domain | mentions | avg rank | citations |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {c.name} | {c.domain or '—'} | {c.mentions} | {c.avg_rank} | {c.citations} |"
        for c in data.competitors[:15]
    ]
    if data.trend:
        lines += [
            "",
            "## Score over past audits",
            "",
            "| audit | " + " | ".join(data.surfaces) + " |",
            "|---|" + "---|" * len(data.surfaces),
        ]
        for p in sorted(data.trend, key=lambda p: p.at):
            lines.append(
                f"| {p.at:%Y-%m-%d %H:%M} | "
                + " | ".join(_n(p.scores.get(s)) for s in data.surfaces)
                + " |"
            )
    lines += ["", "## Recommendations", ""]
    for r in data.recommendations:
        by = f" _(written by {r.written_by or 'a model'})_" if r.source == "llm" else ""
        lines.append(
            f"- **[{r.priority}] {r.title}** (impact {r.impact_score}){by} — {r.description}"
        )
        lines += [f"  - {a}" for a in r.action_items]
    if not data.recommendations:
        lines.append("No recommendation: nothing stands out.")
    lines += ["", "## Questions", ""]
    for q in data.queries:
        lines.append(f"### {q.text} _({q.type})_")
        for surface, cell in q.cells.items():
            if cell.error:
                lines.append(f"- **{surface}**: error — {cell.error}")
                continue
            where = f"rank {cell.rank}" if cell.rank else ("named" if cell.presence else "absent")
            lines.append(
                f"- **{surface}**: {where}, score {_n(cell.score)}; "
                f"{', '.join(cell.entities[:5]) or 'no entities'}"
                + (f"; sources: {', '.join(cell.citations[:5])}" if cell.citations else "")
                + (f"; flags: {', '.join(cell.flags)}" if cell.flags else "")
            )
        lines.append("")
    return "\n".join(lines) + "\n"
