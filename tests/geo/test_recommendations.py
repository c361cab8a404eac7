"""The recommendations package: maintenance advice, a model's action items, ids and order."""

from __future__ import annotations

from geo.profile import BrandContext
from geo.recommendations import AnswerFact, EntityFact, QueryFact, from_summary, recommend
from geo.recommendations.model import Recommendation, recommendation_id, sort_recommendations
from geo.summary import ActionItem, BatchSummary, SummaryUsage

AERO = BrandContext(name="Aero", domains=["aero.com"], city="San Diego")


def named_first(qid: str, rival: EntityFact | None = None) -> AnswerFact:
    entities = [EntityFact(name="Aero", domain="aero.com", position=1)]
    return AnswerFact(
        surface="openai",
        query_id=qid,
        presence=True,
        llm_rank=1,
        entities=[*entities, *([rival] if rival else [])],
    )


def test_maintenance_names_the_brand_its_share_and_its_city() -> None:
    queries = [QueryFact(query_id=q, text=q, type="category") for q in ("q1", "q2")]
    rival = EntityFact(name="Vista Park", domain="vista.com", position=2)
    recs = recommend(queries, [named_first("q1", rival), named_first("q2")], brand=AERO)
    by_title = {r.title: r for r in recs}
    assert [r.title for r in recs] == [
        "Continue building authority",
        "Expand query coverage",
        "Excellent GEO performance",
    ]
    assert all(r.type == "maintenance" and r.priority == "low" for r in recs)
    assert by_title["Excellent GEO performance"].description == "Aero is named in 100% of answers."
    assert by_title["Continue building authority"].action_items[0] == (
        "Pitch stories to local San Diego real estate publications"
    )
    assert by_title["Expand query coverage"].id == recommendation_id("expand", "Aero")


def test_authority_advice_without_a_city_speaks_of_the_market() -> None:
    rival = EntityFact(name="Vista Park", domain="vista.com", position=2)
    recs = recommend(
        [QueryFact(query_id="q", text="q", type="category")],
        [named_first("q", rival)],
        brand=BrandContext(name="Aero", domains=["aero.com"]),
    )
    authority = next(r for r in recs if r.title == "Continue building authority")
    assert "local your market real estate publications" in authority.action_items[0]


def test_only_a_models_summary_gives_action_items() -> None:
    items = [
        ActionItem(action="Fix listings", priority=1, effort="low", impact="high"),
        ActionItem(action="Add FAQ", priority=2, effort="medium", impact="medium"),
        ActionItem(action="Blog", priority=3, effort="high", impact="low"),
    ]
    assert from_summary(None) == []
    assert from_summary(BatchSummary(source="rules", summary="s", action_items=items)) == []
    usage = SummaryUsage(surface="claude", model="m")
    recs = from_summary(BatchSummary(source="llm", summary="s", action_items=items, usage=usage))
    assert [(r.title, r.priority, r.impact_score) for r in recs] == [
        ("Fix listings", "high", 80),
        ("Add FAQ", "medium", 60),
        ("Blog", "low", 40),
    ]
    assert all(r.source == "llm" and r.written_by == "claude" for r in recs)
    assert recs[0].description == (
        "Action item written by claude from this audit's analysis (effort low, impact high)."
    )
    anonymous = from_summary(BatchSummary(source="llm", summary="s", action_items=items[:1]))
    assert anonymous[0].written_by is None
    assert anonymous[0].impact_reason == "Judged high impact by the model"


def test_ids_are_stable_and_order_is_total() -> None:
    assert recommendation_id("rank", "Aero") == recommendation_id("rank", "Aero")
    assert recommendation_id("rank", "Aero") != recommendation_id("rank", "Vista")

    def rec(rid: str, priority: str, impact: int) -> Recommendation:
        return Recommendation.model_validate(
            {
                "id": rid,
                "type": "x",
                "priority": priority,
                "title": rid,
                "description": "",
                "impact_score": impact,
                "impact_reason": "",
            }
        )

    recs = [rec("b", "low", 90), rec("c", "high", 10), rec("a", "high", 10), rec("d", "high", 50)]
    assert [r.id for r in sort_recommendations(recs)] == ["d", "a", "c", "b"]
