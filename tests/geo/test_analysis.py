"""Cross-model analysis, the rule summary and the recommendation engine on hand-built answers."""

from geo.insights import AnswerFacts, EntityFact, SurfaceFacts, analyze_batch
from geo.profile import BrandContext
from geo.recommendations import AnswerFact, QueryFact, recommend
from geo.recommendations import EntityFact as RecEntity
from geo.summary import rule_summary


def answer(
    qid: str, present: bool, rank: int | None, names: list[str], cites: list[str]
) -> AnswerFacts:
    return AnswerFacts(
        query_id=qid,
        query_text=f"question {qid}",
        query_type="category",
        presence=present,
        llm_rank=rank,
        entities=[
            EntityFact(name=n, domain=f"{n.lower().replace(' ', '')}.com", position=i + 1)
            for i, n in enumerate(names)
        ],
        citation_domains=cites,
    )


def test_a_failed_surface_leaves_a_partial_analysis() -> None:
    runs = [
        SurfaceFacts(
            surface="openai",
            status="completed",
            overall_score=60,
            visibility_pct=50,
            answers=[
                answer("q1", True, 1, ["Aero", "Vista"], ["aero.com"]),
                answer("q2", False, None, ["Vista"], ["reddit.com"]),
            ],
        ),
        SurfaceFacts(surface="claude", status="failed"),
    ]
    cm = analyze_batch(runs, BrandContext(name="Aero", domains=["aero.com"]))
    assert cm.complete is False and cm.missing_surfaces == ["claude"]
    assert cm.surfaces == ["openai"] and cm.agreement_rate is None and cm.pairs == []
    assert [q.query_id for q in cm.queries] == ["q1", "q2"]
    summary = rule_summary(cm, "Aero")
    assert summary.source == "rules" and "No answers from claude" in summary.summary


def test_three_surfaces_compare_pairwise() -> None:
    runs = [
        SurfaceFacts(
            surface=s,
            status="completed",
            overall_score=score,
            visibility_pct=vis,
            answers=[
                answer("q1", p1, 1 if p1 else None, ["Aero", "Vista"], ["aero.com"]),
                answer("q2", p2, None, ["Vista"], []),
            ],
        )
        for s, score, vis, p1, p2 in [
            ("openai", 70, 100, True, False),
            ("claude", 40, 50, True, False),
            ("perplexity", 55, 50, False, True),
        ]
    ]
    cm = analyze_batch(runs, BrandContext(name="Aero", domains=["aero.com"]))
    assert len(cm.pairs) == 3
    pair = next(p for p in cm.pairs if p.surfaces == ("claude", "openai"))
    assert (pair.score_difference, pair.higher, pair.visibility_difference) == (
        30.0,
        "openai",
        50.0,
    )
    assert pair.presence_agreement_pct == 100.0
    assert cm.agreement_rate == 0.0  # perplexity disagrees on both questions
    assert not any(q.agree for q in cm.queries)
    insights = rule_summary(cm, "Aero").key_insights
    assert any("30 points" in i.insight and i.priority == "high" for i in insights)


def test_rule_engine() -> None:
    queries = [
        QueryFact(query_id=q, text=t, type=k)
        for q, t, k in [
            ("b1", "Aero reviews", "branded"),
            ("c1", "Best pools", "category"),
            ("v1", "How do I apply to Aero?", "voice_search"),
            ("l1", "Near the park", "local"),
        ]
    ]

    def fact(
        surface: str, qid: str, present: bool, rank: int | None, cites: list[str]
    ) -> AnswerFact:
        ents = [
            RecEntity(name=n, domain=d, position=i + 1, rationale=f"{n} is great")
            for i, (n, d) in enumerate(
                [("Vista", "vista.com"), ("Elan", "elan.com"), ("Sola", "sola.com")]
            )
        ]
        if present and rank:
            ents.insert(rank - 1, RecEntity(name="Aero", domain="aero.com", position=rank))
            ents = [e.model_copy(update={"position": i + 1}) for i, e in enumerate(ents)]
        return AnswerFact(
            surface=surface,
            query_id=qid,
            presence=present,
            llm_rank=rank,
            entities=ents,
            citation_domains=cites,
        )

    answers = [
        fact("openai", "b1", False, None, ["yelp.com"]),
        fact("claude", "b1", False, None, ["yelp.com", "vista.com"]),
        fact("openai", "c1", True, 4, ["yelp.com"]),
        fact("openai", "v1", False, None, []),
        fact("openai", "l1", True, 5, ["aero.com"]),
    ]
    recs = recommend(
        queries, answers, brand=BrandContext(name="Aero", city="Austin", domains=["aero.com"])
    )
    kinds = [r.type for r in recs]
    assert recs[0].priority == "high"
    assert {
        "missing_keyword",
        "content_gap",
        "citation_opportunity",
        "voice_search",
        "rank_improvement",
    } <= set(kinds)
    missing = next(r for r in recs if r.type == "missing_keyword")
    assert missing.priority == "high" and missing.impact_score == 90
    assert (
        missing.affected_surfaces == ["claude", "openai"]
        and "Vista (vista.com)" in missing.description
    )
    gap = next(r for r in recs if r.type == "content_gap" and r.related_queries[0].query_id == "c1")
    assert gap.priority == "medium" and gap.impact_score == 40
    cite = next(r for r in recs if r.type == "citation_opportunity")
    assert cite.title == "Get listed on yelp.com" and cite.impact_score == 55  # 3 citations
    assert all("San Diego" not in r.description + " ".join(r.action_items) for r in recs)
    priorities = [r.priority for r in recs]
    assert priorities == sorted(priorities, key=lambda p: {"high": 0, "medium": 1, "low": 2}[p])


def test_maintenance_when_nothing_stands_out() -> None:
    q = [QueryFact(query_id="q", text="x", type="category")]
    a = [
        AnswerFact(
            surface="openai",
            query_id="q",
            presence=True,
            llm_rank=1,
            entities=[RecEntity(name="Aero", domain="aero.com", position=1)],
        )
    ]
    recs = recommend(q, a, brand=BrandContext(name="Aero", domains=["aero.com"]))
    assert [r.title for r in recs] == ["Expand query coverage", "Excellent GEO performance"]
