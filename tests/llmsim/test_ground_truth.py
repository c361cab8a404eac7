"""Scoring against the simulator's ground truth, traps for naive matchers included."""

from __future__ import annotations

import itertools

from geo.answer import coerce_answer_block
from geo.panel import generate_panel
from geo.profile import Address, Competitor, PropertyProfile, brand_context
from geo.scoring import score_answer
from llmsim.answers import simulate_answer
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


def world_of(profile: PropertyProfile) -> World:
    return World(
        name=profile.name,
        city=profile.address.city,
        state=profile.address.state,
        domains=profile.brand_domains,
        website=profile.website_url,
        competitors=[(c.name, c.domain) for c in profile.competitors],
    )


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


def measure(natural: bool) -> dict[str, float]:
    seed_fp = 0
    tp = fp = fn = tn = rank_ok = ranked = link_ok = 0
    for profile, model, sample in itertools.product(PROFILES, MODELS, range(3)):
        brand = brand_context(profile)
        for query in generate_panel(profile):
            if natural:
                sim = simulate_answer(
                    world_of(profile), query.text, model, 42, sample=sample, natural=True
                )
                envelope = extract(
                    render(sim.block, query.text), profile.name, profile.address.city_state()
                )
                block = coerce_answer_block(envelope["answer_block"])
            else:
                # The world the simulator reads back out of our own prompt.
                world, asked = parse_structured_prompt(structured_prompt(profile, query.text).user)
                sim = simulate_answer(world, asked, model, 42, sample=sample)
                block = coerce_answer_block(sim.block)
            got = score_answer(block, brand)
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
    }


def test_structured_scoring_matches_ground_truth() -> None:
    figures = measure(natural=False)
    print(f"\nstructured ground truth: {figures}")
    assert figures["answers"] >= 300
    assert figures["precision"] >= 0.98 and figures["recall"] >= 0.98
    assert figures["rank_exact"] >= 0.95 and figures["link_rank_exact"] >= 0.95


def test_natural_extraction_and_scoring_match_ground_truth() -> None:
    figures = measure(natural=True)
    print(f"\nnatural ground truth: {figures}")
    assert figures["answers"] >= 300
    assert figures["precision"] >= 0.98 and figures["recall"] >= 0.98
    assert figures["rank_exact"] >= 0.95 and figures["link_rank_exact"] >= 0.95
