"""Results split by persona and language (one audit) and by asker location (a property's
audits), each figure with the links to the answers behind it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.segments import (
    AuditSegments,
    LocationOut,
    LocationSegment,
    LocationSurface,
    PropertySegments,
    SegmentOut,
    SurfaceSegments,
)
from api.services.answers import API_ANSWERS, PAGE_ANSWERS, answers_link
from api.services.links import workflow_url
from config.settings import Settings
from db.models import Audit, Property, Run
from db.segments import audit_records, comparable_audits
from geo.scoring import SCORING_VERSION
from geo.segments import (
    AnswerRecord,
    Dimension,
    Figures,
    by_surface,
    figures,
    kinds,
    latest_per,
    location_key,
    location_of,
    split,
)


def _segment(key: str, label: str, found: Figures, params: dict[str, object]) -> SegmentOut:
    return SegmentOut(
        key=key,
        label=label,
        answers=found.answers,
        errors=found.errors,
        questions=found.questions,
        overall_score=found.overall_score,
        weighted_score=found.weighted_score,
        visibility_pct=found.visibility_pct,
        avg_llm_rank=found.avg_llm_rank,
        avg_link_rank=found.avg_link_rank,
        avg_sov=found.avg_sov,
        answers_url=answers_link(API_ANSWERS, **params),
        dashboard_url=answers_link(PAGE_ANSWERS, **params),
    )


def _split(audit: Audit, run: Run, records: list[AnswerRecord], by: Dimension) -> list[SegmentOut]:
    scope: dict[str, object] = {"audit_id": audit.id, "surface": run.surface}
    return [_segment(s.key, s.label, s.figures, scope | {by: s.key}) for s in split(records, by)]


def surface_segments(
    settings: Settings, audit: Audit, run: Run, records: list[AnswerRecord]
) -> SurfaceSegments:
    scope: dict[str, object] = {"audit_id": audit.id, "surface": run.surface}
    return SurfaceSegments(
        surface=run.surface,
        run_id=run.id,
        model=run.model_name,
        status=run.status,
        total=_segment("", "all", figures(records), scope),
        by_persona=_split(audit, run, records, "persona"),
        by_language=_split(audit, run, records, "language"),
        temporal_ui=workflow_url(settings, run.workflow_id),
    )


def location_out(stored: dict[str, Any] | None) -> LocationOut | None:
    location = location_of(stored)
    if location is None:
        return None
    return LocationOut(
        label=location.label(),
        key=location.key(),
        city=location.city,
        region=location.region,
        country=location.country,
        zip=location.zip,
    )


async def audit_segments(session: AsyncSession, settings: Settings, audit: Audit) -> AuditSegments:
    """Per surface, the audit's figures by persona and by language."""
    records = await audit_records(session, audit.id)
    per_surface = by_surface(records)
    return AuditSegments(
        audit_id=audit.id,
        property_id=audit.property_id,
        status=audit.status,
        asker_location=location_out(audit.asker_location),
        personas=kinds(records, "persona"),
        languages=kinds(records, "language"),
        surfaces=[
            surface_segments(settings, audit, run, per_surface.get(run.surface, []))
            for run in audit.runs
        ],
    )


def _location_surface(settings: Settings, audit: Audit, run: Run) -> LocationSurface:
    scope: dict[str, object] = {"audit_id": audit.id, "surface": run.surface}
    return LocationSurface(
        surface=run.surface,
        run_id=run.id,
        status=run.status,
        overall_score=run.score.overall_score if run.score else None,
        visibility_pct=run.score.visibility_pct if run.score else None,
        answers_url=answers_link(API_ANSWERS, **scope),
        present_url=answers_link(API_ANSWERS, **scope, present=True),
        dashboard_url=answers_link(PAGE_ANSWERS, **scope),
        temporal_ui=workflow_url(settings, run.workflow_id),
    )


async def location_segments(
    session: AsyncSession, settings: Settings, prop: Property
) -> PropertySegments:
    """The latest comparable audit asked from each place (or from none), per surface."""
    audits, left_out = await comparable_audits(session, prop.id)
    latest = latest_per(
        audits, key=lambda a: location_key(a.asker_location)[0], at=lambda a: a.created_at
    )
    return PropertySegments(
        property_id=prop.id,
        by="location",
        scoring_version=SCORING_VERSION,
        left_out=left_out,
        locations=[
            LocationSegment(
                key=key,
                label=location_key(audit.asker_location)[1],
                audits=count,
                audit_id=audit.id,
                created_at=audit.created_at,
                status=audit.status,
                surfaces=[_location_surface(settings, audit, run) for run in audit.runs],
                links={
                    "audit": f"/audits/{audit.id}",
                    "segments": f"/audits/{audit.id}/segments",
                    "answers": answers_link(API_ANSWERS, audit_id=audit.id),
                    "dashboard": f"/app/audits/{audit.id}",
                    "temporal_ui": workflow_url(settings, audit.workflow_id),
                },
            )
            for key, audit, count in latest
        ],
    )
