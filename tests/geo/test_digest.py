"""The digest's figures: changes since the previous audit, combined and per surface (a surface
new this week has none), and the dashboard's banners for the latest figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from geo.digest import AuditFigures, Rival, SurfaceFigures, compose_digest

AT = datetime(2026, 11, 9, 8, tzinfo=UTC)


def figures(audit: str, score: float, vis: float, **surfaces: tuple[float, float]) -> AuditFigures:
    return AuditFigures(
        audit_id=audit,
        status="completed",
        created_at=AT,
        score=score,
        visibility_pct=vis,
        surfaces=[
            SurfaceFigures(surface=s, score=sc, visibility_pct=v) for s, (sc, v) in surfaces.items()
        ],
    )


def test_changes_and_banners() -> None:
    latest = figures("a2", 45.0, 40.0, openai=(60.0, 50.0), claude=(30.0, 30.0), gemini=(45, 40))
    previous = figures("a1", 62.5, 70.0, openai=(65.0, 75.0), claude=(60.0, 65.0))
    d = compose_digest(
        digest_id="run-9",
        property_id="p",
        property_name="AMLI Aero",
        period=(AT - timedelta(days=7), AT),
        audits_this_week=3,
        latest=latest,
        previous=previous,
        rivals=[Rival(name="Vista Park", mentions=18), Rival(name="Modera", mentions=4)],
        links={},
    )
    assert (d.score_change, d.visibility_change) == (-17.5, -30.0)
    changes = {s.surface: (s.score_change, s.visibility_change) for s in d.surfaces}
    assert changes == {"openai": (-5.0, -25.0), "claude": (-30.0, -35.0), "gemini": (None, None)}
    assert [(b.level, b.title) for b in d.banners] == [
        ("critical", "Score dropped"),
        ("warning", "Low visibility"),
        ("warning", "Surfaces disagree"),
        ("competitive", "A competitor dominates"),
    ]
    assert d.banners[-1].detail == "Vista Park was named 18 times"


def test_a_first_audit_has_no_changes() -> None:
    d = compose_digest(
        digest_id="r",
        property_id="p",
        property_name="AMLI Aero",
        period=(AT - timedelta(days=7), AT),
        audits_this_week=1,
        latest=figures("a1", 80.0, 100.0, openai=(80.0, 100.0)),
        previous=None,
        rivals=[],
        links={},
    )
    assert d.score_change is None and d.surfaces[0].score_change is None
    assert [b.level for b in d.banners] == ["success"]
