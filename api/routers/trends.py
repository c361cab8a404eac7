"""A property over time: runs with diffs, the combined score, cited domains, recommendations."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from statistics import fmean
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from api.auth import CallerDep
from api.deps import SessionDep
from api.lookups import property_or_404
from api.paging import Limit, Offset, total_header
from api.schemas import RequestModel
from db import trends
from db.models import Run
from geo.scoring import score_bucket

router = APIRouter(prefix="/properties", tags=["trends"])


class RunDiff(BaseModel):
    score_change: float
    visibility_change: float
    direction: Literal["up", "down", "stable"]
    previous_run_id: uuid.UUID


class RunTrend(BaseModel):
    run_id: uuid.UUID
    audit_id: uuid.UUID
    surface: str
    model: str
    status: str
    mode: str
    created_at: datetime
    overall_score: float | None
    visibility_pct: float | None
    scoring_version: int | None
    rescored_at: datetime | None
    cost_usd: float
    diff: RunDiff | None
    note: str | None = None


def version_of(run: Run) -> int | None:
    return run.score.scoring_version if run.score else None


def comparable(run: Run, previous: Run | None) -> str | None:
    """Why two runs' scores cannot be compared (None when they can): scores of different
    scoring versions measure different things."""
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
        direction="up" if change > 0.5 else "down" if change < -0.5 else "stable",
        previous_run_id=previous.id,
    )


@router.get("/{property_id}/runs")
async def read_runs(
    property_id: uuid.UUID,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    surface: Annotated[str | None, Query(max_length=40)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[RunTrend]:
    """Runs, newest first, each with its diff against the previous completed run of its surface."""
    await property_or_404(session, property_id, caller)
    runs = await trends.property_runs(session, property_id, surface)
    out: list[RunTrend] = []
    total_header(response, len(runs))
    for i, run in enumerate(runs[offset : offset + limit], start=offset):
        previous = next(
            (r for r in runs[i + 1 :] if r.surface == run.surface and r.status == "completed"),
            None,
        )
        out.append(
            RunTrend(
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
        )
    return out


class SurfaceScoreNow(BaseModel):
    run_id: uuid.UUID
    overall_score: float
    visibility_pct: float
    avg_llm_rank: float | None
    run_at: datetime


class Trend(BaseModel):
    direction: Literal["up", "down", "stable"]
    change: float
    previous_score: float


class CombinedScore(BaseModel):
    property_id: uuid.UUID
    overall_score: float | None
    visibility_pct: float | None
    bucket: str | None
    surfaces: dict[str, SurfaceScoreNow]
    trend: Trend | None
    scoring_versions: list[int] = Field(default_factory=list)
    message: str | None = None


@router.get("/{property_id}/score")
async def read_score(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> CombinedScore:
    """Latest completed run per surface, their mean, its bucket and the trend since before."""
    await property_or_404(session, property_id, caller)
    runs = [
        r
        for r in await trends.property_runs(session, property_id)
        if r.status == "completed" and r.score
    ]
    latest: dict[str, Run] = {}
    previous: dict[str, Run] = {}
    older_versions = 0
    for run in runs:
        if run.surface not in latest:
            latest[run.surface] = run
        elif run.surface not in previous:
            if version_of(run) == version_of(latest[run.surface]):
                previous[run.surface] = run
            else:
                older_versions += 1
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
    now = round(fmean(r.score.overall_score for r in latest.values() if r.score), 1)
    visibility = round(fmean(r.score.visibility_pct for r in latest.values() if r.score), 1)
    trend = None
    if previous:
        before = round(fmean(r.score.overall_score for r in previous.values() if r.score), 1)
        change = round(now - before, 1)
        trend = Trend(
            direction="up" if change > 1 else "down" if change < -1 else "stable",
            change=change,
            previous_score=before,
        )
    return CombinedScore(
        property_id=property_id,
        overall_score=now,
        visibility_pct=visibility,
        bucket=score_bucket(now),
        scoring_versions=sorted({v for r in latest.values() if (v := version_of(r)) is not None}),
        message=(
            "the trend leaves out earlier runs scored with other rules; re-score to include them"
            if older_versions
            else None
        ),
        surfaces={
            s: SurfaceScoreNow(
                run_id=r.id,
                overall_score=r.score.overall_score,
                visibility_pct=r.score.visibility_pct,
                avg_llm_rank=r.score.avg_llm_rank,
                run_at=r.created_at,
            )
            for s, r in latest.items()
            if r.score
        },
        trend=trend,
    )


class PurgeIn(RequestModel):
    surfaces: (
        Annotated[list[Annotated[str, Field(min_length=1, max_length=40)]], Field(max_length=20)]
        | None
    ) = None


class PurgeOut(BaseModel):
    property_id: uuid.UUID
    surfaces: list[str] | Literal["all"]
    runs_deleted: int
    audits_deleted: int


@router.post("/{property_id}/runs/purge")
async def purge_runs(
    property_id: uuid.UUID, body: PurgeIn, session: SessionDep, caller: CallerDep
) -> PurgeOut:
    """Delete run history (all surfaces or some); audits still running are never touched."""
    await property_or_404(session, property_id, caller)
    runs, audits = await trends.purge_runs(session, property_id, body.surfaces)
    return PurgeOut(
        property_id=property_id,
        surfaces=body.surfaces or "all",
        runs_deleted=runs,
        audits_deleted=audits,
    )


class DomainSeen(BaseModel):
    domain: str
    citations: int
    is_brand_domain: bool
    audits: int
    first_seen: datetime
    last_seen: datetime
    first_audit_id: uuid.UUID
    last_audit_id: uuid.UUID
    status: Literal["new", "gone", "steady"]


@router.get("/{property_id}/domains")
async def read_domains(
    property_id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> list[DomainSeen]:
    """Cited domains with first and last audits: which sources appeared or vanished."""
    await property_or_404(session, property_id, caller)
    histories = await trends.domain_timeline(session, property_id)
    all_audits = {a: t for h in histories for a, t in h.audits.items()}
    newest = max(all_audits.values(), default=datetime.min.replace(tzinfo=UTC))
    out = []
    for h in histories:
        first_id, first_at = min(h.audits.items(), key=lambda kv: kv[1])
        last_id, last_at = max(h.audits.items(), key=lambda kv: kv[1])
        status: Literal["new", "gone", "steady"] = (
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
