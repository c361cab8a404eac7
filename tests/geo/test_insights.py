from geo.insights import AnswerFacts, EntityFact, cross_model
from geo.profile import BrandContext


def facts(qid: str, presence: bool, names: list[tuple[str, str]], cites: list[str]) -> AnswerFacts:
    return AnswerFacts(
        query_id=qid,
        presence=presence,
        entities=[EntityFact(name=n, domain=d, position=i + 1) for i, (n, d) in enumerate(names)],
        citation_domains=cites,
    )


def test_cross_model_over_three_surfaces() -> None:
    data = {
        "openai": [
            facts(
                "q1",
                True,
                [("AMLI Aero", "amli.com"), ("Vista Park", "vista.com")],
                ["amli.com", "vista.com"],
            ),
            facts("q2", False, [("Vista Park", "www.vista.com")], ["reddit.com"]),
        ],
        "claude": [
            facts("q1", True, [("Vista Park", "vista.com")], []),
            facts("q2", True, [("AMLI Aero", "")], []),
        ],
        "perplexity": [facts("q1", True, [("Elan Row", "elan.com")], ["amli.com"])],
    }
    cm = cross_model(data, BrandContext(name="AMLI Aero", domains=["amli.com"]))
    assert cm.surfaces == ["claude", "openai", "perplexity"]
    # q1: all present → agree; q2: openai False, claude True, perplexity missing (False) → disagree
    assert cm.agreement_rate == 50.0
    assert {p.surfaces: p.presence_agreement_pct for p in cm.pairs}[("claude", "openai")] == 50.0
    top = cm.competitors[0]
    assert (top.domain, top.mentions, top.avg_rank) == ("vista.com", 3, 1.33)
    assert top.citations == 1 and top.surfaces == ["claude", "openai"]
    assert all(c.domain != "amli.com" and c.name != "AMLI Aero" for c in cm.competitors)
    assert cm.cited_domains[0].domain == "amli.com" and cm.cited_domains[0].is_brand_domain
    assert cm.brand_sov_pct == 50.0  # 2 of 4 citations
    assert "elan row" in cm.divergent_entities["perplexity"]


def test_single_surface_has_no_agreement() -> None:
    cm = cross_model({"openai": [facts("q", True, [], [])]}, BrandContext(name="X"))
    assert cm.agreement_rate is None and cm.pairs == [] and cm.brand_sov_pct is None


def test_the_brand_is_never_its_own_competitor_in_any_spelling() -> None:
    """Leaderboard, consensus and divergence recognise the brand with the scorer's matcher."""
    from geo.recommendations import AnswerFact, QueryFact, recommend
    from geo.recommendations import EntityFact as RecEntity

    brand = BrandContext(name="AMLI Aero", domains=["amli.com"])
    spellings = [
        ("AMLI Aero Apartments", ""),
        ("Aero by AMLI", ""),
        ("Kearny Mesa Aero", "sandiego.amli.com"),  # on a brand subdomain, with its own word
        ("Vista Park", "vista.com"),
    ]
    data = {
        "openai": [facts("q1", True, spellings, [])],
        "claude": [facts("q1", True, list(reversed(spellings)), [])],
    }
    cm = cross_model(data, brand)
    assert [c.name for c in cm.competitors] == ["Vista Park"]
    assert cm.consensus_entities == ["vista park"]
    assert cm.divergent_entities == {"claude": [], "openai": []}

    answers = [
        AnswerFact(
            surface="openai",
            query_id="q1",
            presence=True,
            llm_rank=5,
            entities=[
                RecEntity(name=n, domain=d, position=i + 1) for i, (n, d) in enumerate(spellings)
            ],
        )
    ]
    recs = recommend(
        [QueryFact(query_id="q1", text="Best pool", type="category")], answers, brand=brand
    )
    gap = next(r for r in recs if r.type == "content_gap")
    assert gap.competitor_context is not None and gap.competitor_context["name"] == "Vista Park"
