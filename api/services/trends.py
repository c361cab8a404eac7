"""A property over time: runs with their diffs, the combined score, cited domains.

Scores of different scoring versions measure different things: runs are compared, and a trend
drawn, only between scores of the same version.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from statistics import fmean

from api.schemas import (
    CombinedScore,
    Direction,
    DomainSeen,
    DomainStatus,
    RunDiff,
    RunTrend,
    SurfaceScoreNow,
    Trend,
)
from db.models import Run, Score
from db.rows import from_row
from db.trends import DomainHistory
from geo.scoring import score_bucket


def version_of(run: Run) -> int | None:
    return run.score.scoring_version if run.score else None


def _direction(change: float, threshold: float) -> Direction:
    return "up" if change > threshold else "down" if change < -threshold else "stable"


def comparable(run: Run, previous: Run | None) -> str | None:
    """Why two runs' scores cannot be compared (None when they can)."""
    if previous is None or run.score is None or previous.score is None:
        return None
    before, now = version_of(previous), version_of(run)
    if before != now:
        return (
            f"the previous run was scored with version {before} of the rules and this one with "
            f"version {now}; re-score the property to compare them"
        )
    return None


def _diff(run: Run, previous: Run | None) -> RunDiff | None:
    if previous is None or run.score is None or previous.score is None:
        return None
    if comparable(run, previous) is not None:
        return None
    change = round(run.score.overall_score - previous.score.overall_score, 1)
    return RunDiff(
        score_change=change,
        visibility_change=round(run.score.visibility_pct - previous.score.visibility_pct, 1),
        direction=_direction(change, 0.5),
        previous_run_id=previous.id,
    )


def _run_trend(run: Run, previous: Run | None) -> RunTrend:
    return RunTrend(
        run_id=run.id,
        audit_id=run.batch_id,
        surface=run.surface,
        model=run.model_name,
        status=run.status,
        mode=run.mode,
        created_at=run.created_at,
        overall_score=run.score.overall_score if run.score else None,
        visibility_pct=run.score.visibility_pct if run.score else None,
        scoring_version=version_of(run),
        rescored_at=run.score.rescored_at if run.score else None,
        cost_usd=round(run.cost_usd, 6),
        diff=_diff(run, previous),
        note=comparable(run, previous),
    )


def run_trends(runs: list[Run], limit: int, offset: int) -> list[RunTrend]:
    """A page of `runs` (newest first), each with its diff against the previous completed run
    of its surface."""
    out: list[RunTrend] = []
    for i, run in enumerate(runs[offset : offset + limit], start=offset):
        previous = next(
            (r for r in runs[i + 1 :] if r.surface == run.surface and r.status == "completed"),
            None,
        )
        out.append(_run_trend(run, previous))
    return out


RUN_CSV_HEADER = (
    "run_id",
    "audit_id",
    "surface",
    "model",
    "status",
    "mode",
    "created_at",
    "finished_at",
    "overall_score",
    "visibility_pct",
    "avg_llm_rank",
    "avg_link_rank",
    "avg_sov",
    "answers",
    "errors",
    "cost_usd",
    "scoring_version",
    "rescored_at",
    "score_change",
    "visibility_change",
    "direction",
    "previous_run_id",
    "note",
)


def run_csv_rows(runs: list[Run]) -> list[list[object]]:
    """Every run of `runs` (newest first) as a CSV row: the JSON's figures, with its diff
    flattened, and what only the run detail shows (finish, ranks, share of voice, counts)."""
    rows: list[list[object]] = []
    for run, trend in zip(runs, run_trends(runs, len(runs), 0), strict=True):
        score, diff = run.score, trend.diff
        rows.append(
            [
                trend.run_id,
                trend.audit_id,
                trend.surface,
                trend.model,
                trend.status,
                trend.mode,
                trend.created_at,
                run.finished_at,
                trend.overall_score,
                trend.visibility_pct,
                score.avg_llm_rank if score else None,
                score.avg_link_rank if score else None,
                score.avg_sov if score else None,
                run.answers_done,
                run.errors_count,
                trend.cost_usd,
                trend.scoring_version,
                trend.rescored_at,
                diff.score_change if diff else None,
                diff.visibility_change if diff else None,
                diff.direction if diff else None,
                diff.previous_run_id if diff else None,
                trend.note,
            ]
        )
    return rows


def _latest_per_surface(runs: list[Run]) -> tuple[dict[str, Run], dict[str, Run], int]:
    """From scored completed runs, newest first: each surface's latest run; the one before it
    scored by the same rules; and how many runs between them were left out for other rules."""
    latest: dict[str, Run] = {}
    previous: dict[str, Run] = {}
    other_versions = 0
    for run in runs:
        if run.surface not in latest:
            latest[run.surface] = run
        elif run.surface not in previous:
            if version_of(run) == version_of(latest[run.surface]):
                previous[run.surface] = run
            else:
                other_versions += 1
    return latest, previous, other_versions


def _mean_score(runs: dict[str, Run]) -> float:
    return round(fmean(r.score.overall_score for r in runs.values() if r.score), 1)


def _surface_now(run: Run, score: Score) -> SurfaceScoreNow:
    return from_row(SurfaceScoreNow, score, run_id=run.id, run_at=run.created_at)


def combined_score(property_id: uuid.UUID, runs: list[Run]) -> CombinedScore:
    """Latest completed run per surface, their mean, its bucket and the trend since before."""
    scored = [r for r in runs if r.status == "completed" and r.score]
    latest, previous, other_versions = _latest_per_surface(scored)
    if not latest:
        return CombinedScore(
            property_id=property_id,
            overall_score=None,
            visibility_pct=None,
            bucket=None,
            surfaces={},
            trend=None,
            message="No completed runs yet. Run an audit first.",
        )
    now = _mean_score(latest)
    trend = None
    if previous:
        before = _mean_score(previous)
        change = round(now - before, 1)
        trend = Trend(direction=_direction(change, 1), change=change, previous_score=before)
    return CombinedScore(
        property_id=property_id,
        overall_score=now,
        visibility_pct=round(fmean(r.score.visibility_pct for r in latest.values() if r.score), 1),
        bucket=score_bucket(now),
        scoring_versions=sorted({v for r in latest.values() if (v := version_of(r)) is not None}),
        message=(
            "the trend leaves out earlier runs scored with other rules; re-score to include them"
            if other_versions
            else None
        ),
        surfaces={s: _surface_now(r, r.score) for s, r in latest.items() if r.score},
        trend=trend,
    )


def domains_seen(histories: list[DomainHistory]) -> list[DomainSeen]:
    """Cited domains with first and last audits, brand domains first, then the most cited:
    `new` first cited in the latest audit, `gone` not cited in it."""
    all_audits = {a: t for h in histories for a, t in h.audits.items()}
    newest = max(all_audits.values(), default=datetime.min.replace(tzinfo=UTC))
    out = []
    for h in histories:
        first_id, first_at = min(h.audits.items(), key=lambda kv: kv[1])
        last_id, last_at = max(h.audits.items(), key=lambda kv: kv[1])
        status: DomainStatus = (
            "gone"
            if last_at < newest
            else "new"
            if first_at == newest and len(all_audits) > 1
            else "steady"
        )
        out.append(
            DomainSeen(
                domain=h.domain,
                citations=h.citations,
                is_brand_domain=h.is_brand,
                audits=len(h.audits),
                first_seen=first_at,
                last_seen=last_at,
                first_audit_id=first_id,
                last_audit_id=last_id,
                status=status,
            )
        )
    return sorted(out, key=lambda d: (not d.is_brand_domain, -d.citations, d.domain))
