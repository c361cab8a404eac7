"""Scoring against the simulator's ground truth, traps for naive matchers included, and a
model that lies about its own answer at every rate."""

from __future__ import annotations

import itertools

import pytest

from geo.answer import AnswerBlock, coerce_answer_block
from geo.brand import BrandMatcher
from geo.domains import is_brand_domain
from geo.panel import generate_panel
from geo.profile import Address, BrandContext, Competitor, PropertyProfile, brand_context
from geo.scoring import Evidence, score_answer
from llmsim.answers import Lies, simulate_answer
from llmsim.market import World, parse_structured_prompt
from llmsim.prose import extract, render
from surfaces.prompts import structured_prompt

PROFILES = [
    PropertyProfile(
        name="AMLI Aero",
        address=Address(neighborhood="Kearny Mesa", city="San Diego", state="CA"),
        website_url="https://www.amli.com/apartments/san-diego/kearny-mesa-apartments/amli-aero",
        brand_domains=["amli.com"],  # the operator's shared domain: the hard case
        amenities=["Pool", "Fitness center", "Dog park", "EV charging"],
        competitors=[Competitor(name="Avalon La Jolla", domain="avaloncommunities.com")],
        target_audience="young professionals",
    ),
    PropertyProfile(
        name="The Harlow",
        address=Address(neighborhood="Capitol Hill", city="Seattle", state="WA"),
        website_url="https://www.theharlowseattle.com/",
        brand_domains=["theharlowseattle.com"],
        amenities=["Rooftop deck", "Coworking"],
    ),
    PropertyProfile(
        name="Camden Highland Village",
        address=Address(city="Houston", state="TX"),
        website_url="https://www.camdenliving.com/houston-tx/camden-highland-village",
        brand_domains=["camdenliving.com"],
        amenities=["Pool", "Garage parking", "Pet friendly"],
    ),
]
MODELS = ["gpt-5.5", "claude-sonnet-5-5"]


def seed_presence(block: dict[str, object], brand: str, domains: list[str]) -> bool:
    """The seed's matcher: domain or subdomain, full name, or the first word as a substring."""
    from geo.domains import is_brand_domain

    first = brand.split()[0].lower()
    for e in block["ordered_entities"]:  # type: ignore[attr-defined]
        name = e["name"].lower()
        if (
            (e["domain"] and is_brand_domain(e["domain"], domains))
            or brand.lower() in name
            or (len(first) > 3 and first in name)
        ):
            return True
    return brand.lower() in str(block["answer_summary"]).lower()


def measure(natural: bool, lie: float = 0.0) -> dict[str, float]:
    """Presence, rank and link rank against the truth over 5 samples of every question of three
    profiles on two models; `lie` is the rate of every kind of lie the simulator tells."""
    lies = Lies(position_rate=lie, domain_rate=lie)
    seed_fp = claim_fp = claim_rank_ok = claim_link_ok = 0
    tp = fp = fn = tn = rank_ok = ranked = link_ok = 0
    for profile, model, sample in itertools.product(PROFILES, MODELS, range(5)):
        brand = brand_context(profile)
        for query in generate_panel(profile):
            evidence = None
            if natural:
                world = World.from_profile(profile)
                sim = simulate_answer(
                    world, query.text, model, 42, sample=sample, natural=True, lies=lies
                )
                prose = render(sim.block, query.text)
                envelope = extract(
                    prose,
                    profile.name,
                    profile.address.city_state(),
                    brand_domain=profile.brand_domains[0],
                    lie_rate=lie,
                )
                block = coerce_answer_block(envelope["answer_block"])
                evidence = Evidence(prose=prose)
            else:
                # The world the simulator reads back out of our own prompt.
                world, asked = parse_structured_prompt(structured_prompt(profile, query.text).user)
                sim = simulate_answer(world, asked, model, 42, sample=sample, lies=lies)
                block = coerce_answer_block(sim.block)
            got = score_answer(block, brand, evidence=evidence)
            claims = trusting_claims(block, brand)
            claim_fp += claims[0] and not sim.truth.presence
            claim_rank_ok += claims[1] == sim.truth.rank
            claim_link_ok += claims[2] == sim.truth.link_rank
            truth = sim.truth
            seed_fp += seed_presence(sim.block, profile.name, profile.brand_domains) and (
                not truth.presence
            )
            tp += got.presence and truth.presence
            fp += got.presence and not truth.presence
            fn += truth.presence and not got.presence
            tn += not got.presence and not truth.presence
            if truth.rank is not None:
                ranked += 1
                rank_ok += got.llm_rank == truth.rank
            link_ok += got.link_rank == truth.link_rank
    n = tp + fp + fn + tn
    return {
        "answers": n,
        "precision": tp / (tp + fp),
        "recall": tp / (tp + fn),
        "rank_exact": rank_ok / ranked,
        "link_rank_exact": link_ok / n,
        "seed_matcher_precision": tp / (tp + seed_fp) if tp + seed_fp else 1.0,
        # What version 1 of the rules made of the same answers, trusting the model's claims.
        "claims_presence_precision": tp / (tp + claim_fp) if tp + claim_fp else 1.0,
        "claims_rank_exact": claim_rank_ok / n,
        "claims_link_rank_exact": claim_link_ok / n,
    }


def trusting_claims(block: AnswerBlock, brand: BrandContext) -> tuple[bool, int | None, int | None]:
    """Presence, rank and link rank as the model reported them (scoring version 1)."""
    matcher = BrandMatcher(brand)
    rank = next(
        (
            e.claimed_position or e.position
            for e in block.ordered_entities
            if matcher.entity_is_brand(e)
        ),
        None,
    )
    presence = rank is not None or matcher.summary_names_brand(block.answer_summary)
    link = next(
        (
            i + 1
            for i, c in enumerate(block.citations)
            if is_brand_domain(c.claimed_domain or c.domain, brand.domains)
        ),
        None,
    )
    return presence, rank, link


LIE_RATES = (0.0, 0.3, 1.0)


def measure_against_truth(natural: bool, lie: float) -> dict[str, float]:
    """The figures of `measure`, checked for what holds whatever the model claims."""
    figures = measure(natural=natural, lie=lie)
    mode = "natural" if natural else "structured"
    print(f"\n{mode} ground truth, lies at {lie:.0%}: {figures}")
    assert figures["answers"] >= 500
    assert figures["precision"] >= 0.98 and figures["recall"] >= 0.98
    # What the model claims about positions and domains changes nothing: the list and the URLs
    # are read, so every rank and link rank is the truth.
    assert figures["rank_exact"] == 1.0 and figures["link_rank_exact"] == 1.0
    return figures


@pytest.mark.parametrize("lie", LIE_RATES)
def test_structured_scoring_matches_ground_truth(lie: float) -> None:
    figures = measure_against_truth(natural=False, lie=lie)
    if lie == 1.0:  # trusting the claims, as scoring version 1 did, gets them wrong
        assert figures["claims_rank_exact"] < 0.8 and figures["claims_link_rank_exact"] < 0.8


@pytest.mark.parametrize("lie", LIE_RATES)
def test_natural_extraction_and_scoring_match_ground_truth(lie: float) -> None:
    figures = measure_against_truth(natural=True, lie=lie)
    if lie == 1.0:  # an extraction that claims the unnamed brand fooled version 1
        assert figures["claims_presence_precision"] < 0.8
