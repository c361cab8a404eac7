"""A report model built by hand, as api/services/reports.collect builds one from the database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from geo.insights import CompetitorStat, DomainStat
from geo.recommendations import Recommendation
from geo.summary import BatchSummary, KeyInsight
from reports.model import (
    QueryCell,
    QueryRow,
    ReportData,
    SegmentCell,
    SegmentRow,
    SurfaceCard,
    TrendPoint,
)

HOSTILE = '[win](http://evil.example) **bold** <script>alert(1)</script> | `x` _y_ " onload="z'


def card(surface: str, **fields: Any) -> SurfaceCard:
    values: dict[str, Any] = {
        "surface": surface,
        "model": f"{surface}-model",
        "status": "completed",
        "overall_score": 62.345,
        "weighted_score": 58.04,
        "visibility_pct": 66.667,
        "visibility_ci": (40.2, 85.7),
        "avg_llm_rank": 2.26,
        "avg_link_rank": None,
        "avg_sov": 0.256,
        "answered": 12,
        "errors": 1,
        "cost_usd": 0.01234,
    }
    return SurfaceCard(**{**values, **fields})


def competitor(name: str, mentions: int, domain: str = "") -> CompetitorStat:
    return CompetitorStat(
        key=domain or f"name:{name.lower()}",
        name=name,
        domain=domain,
        mentions=mentions,
        avg_rank=2.5,
        citations=3,
        surfaces=["openai"],
    )


def cell(**fields: Any) -> QueryCell:
    """One surface's answer to one question; by default named without a rank or a score."""
    values: dict[str, Any] = {
        "presence": True,
        "rank": None,
        "score": None,
        "entities": [],
        "citations": [],
        "flags": [],
    }
    return QueryCell(**{**values, **fields})


def recommendation(title: str, **fields: Any) -> Recommendation:
    values: dict[str, Any] = {
        "id": title,
        "type": "content_gap",
        "priority": "medium",
        "title": title,
        "description": f"Why: {title}",
        "impact_score": 55,
        "impact_reason": "",
        "action_items": [f"Do {title}"],
    }
    return Recommendation(**{**values, **fields})


def report(**fields: Any) -> ReportData:
    """Two surfaces, one failed; a summary, competitors, a trend, recommendations, questions."""
    values: dict[str, Any] = {
        "property_name": "AMLI Aero",
        "location": "Kearny Mesa, San Diego, CA",
        "audit_id": "a-123",
        "created_at": datetime(2026, 3, 4, 5, 6, tzinfo=UTC),
        "status": "completed",
        "mode": "structured",
        "web_search": False,
        "samples_per_query": 1,
        "surfaces": ["openai", "claude"],
        "cards": [
            card("openai"),
            card(
                "claude",
                status="failed",
                overall_score=None,
                weighted_score=None,
                visibility_pct=None,
                visibility_ci=None,
                avg_llm_rank=None,
                avg_sov=None,
                answered=0,
                errors=3,
                cost_usd=0.0,
                error_message="provider unavailable",
            ),
        ],
        "visibility_by_type": {"local": {"openai": 50.0}, "branded": {"openai": 100.0}},
        "competitors": [competitor("Vista Park", 4, "vista.com"), competitor("Elan Row", 2)],
        "cited_domains": [
            DomainStat(domain="amli.com", citations=3, is_brand_domain=True),
            DomainStat(domain="yelp.com", citations=5, is_brand_domain=False),
        ],
        "agreement_rate": 75.4,
        "brand_sov_pct": 18.6,
        "trend": [
            TrendPoint(audit_id="t2", at=datetime(2026, 2, 1, tzinfo=UTC), scores={"openai": 55}),
            TrendPoint(audit_id="t1", at=datetime(2026, 1, 1, tzinfo=UTC), scores={"openai": 40}),
        ],
        "summary": BatchSummary(
            source="llm",
            summary="Aero is visible on openai.",
            key_insights=[KeyInsight(insight="Vista Park leads", priority="high")],
        ),
        "recommendations": [
            recommendation("Rank higher", priority="high", impact_score=85),
            recommendation("Fix listings", source="llm", written_by="openai"),
        ],
        "queries": [
            QueryRow(
                text="Best apartments in Kearny Mesa",
                type="local",
                cells={
                    "openai": cell(
                        rank=2,
                        score=71.5,
                        entities=["Vista Park", "AMLI Aero", "A", "B", "C", "Sixth"],
                        citations=["yelp.com", "amli.com"],
                        flags=["no_sources"],
                    ),
                    "claude": cell(presence=False, error="timeout"),
                },
            ),
            QueryRow(
                text="Is AMLI Aero pet friendly?",
                type="branded",
                cells={"openai": cell(presence=False, score=0.0)},
            ),
        ],
    }
    return ReportData(**{**values, **fields})


ANSWERS = "https://api.example.com/answers"
TEMPORAL = "http://localhost:8233/namespaces/default/workflows"


def segment(score: float | None, visibility: float | None, answers: int, q: str) -> SegmentCell:
    return SegmentCell(
        score=score,
        visibility_pct=visibility,
        answers=answers,
        answers_url=f"{ANSWERS}?audit_id=a-123&{q}",
        present_url=f"{ANSWERS}?audit_id=a-123&{q}&present=true",
    )


def linked_report(**fields: Any) -> ReportData:
    """The sample as the API builds it: every figure linked to its answers, every surface to its
    workflow, asked from a place, split by persona (two) and language (one: no table)."""
    cards = [
        c.model_copy(
            update={
                "answers_url": f"{ANSWERS}?run_id=r-{c.surface}",
                "present_url": f"{ANSWERS}?run_id=r-{c.surface}&present=true",
                "workflow_url": f"{TEMPORAL}/audit-a-123-{c.surface}",
            }
        )
        for c in report().cards
    ]
    values: dict[str, Any] = {
        "cards": cards,
        "asker_location": "San Diego, CA, US",
        "by_persona": [
            SegmentRow(
                key="",
                label="any renter",
                cells={"openai": segment(62.5, 50.0, 4, "surface=openai&persona=")},
            ),
            SegmentRow(
                key="families",
                label="families",
                cells={
                    "openai": segment(40.0, 100.0, 1, "surface=openai&persona=families"),
                    "claude": segment(None, None, 0, "surface=claude&persona=families"),
                },
            ),
        ],
    }
    return report(**{**values, **fields})
