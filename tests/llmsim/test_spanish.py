"""The simulator asked in Spanish: it tells the language from the question alone, answers in
Spanish with the entities, ranks and links its ground truth says, and its phase-2 extraction
reads Spanish prose; scored with the production code, every answer is the truth."""

from __future__ import annotations

import itertools

import pytest

from geo.answer import coerce_answer_block
from geo.panel_spec import LANGUAGES, PanelSpec, build_panel
from geo.personas import PERSONA_KEYS
from geo.profile import Address, Competitor, PropertyProfile, brand_context
from geo.rescoring import location_stated
from geo.scoring import AnswerScore, Evidence, score_answer
from llmsim.answers import Lies, SimAnswer, simulate_answer
from llmsim.language import PHRASES, detect
from llmsim.market import World, parse_structured_prompt
from llmsim.prose import extract, render
from surfaces.prompts import structured_prompt
from tests.llmsim.test_ground_truth import MODELS
from tests.llmsim.test_ground_truth import PROFILES as ENGLISH_NAMED

# A property whose own names are Spanish, accents included.
LAS_PALMAS = PropertyProfile(
    name="Residencial Las Palmas",
    address=Address(
        street="1200 Calle Peñasco", neighborhood="Almadén Valley", city="San José", state="CA"
    ),
    website_url="https://www.residenciallaspalmas.com/",
    brand_domains=["residenciallaspalmas.com"],
    amenities=["Piscina", "Dog park", "Playground"],
    competitors=[Competitor(name="Villa del Sol", domain="villadelsol.com")],
    target_audience="familias y jubilados",
)
PROFILES = [*ENGLISH_NAMED, LAS_PALMAS]
EVERYONE = PanelSpec(personas=PERSONA_KEYS, languages=LANGUAGES)


def spanish_panel(profile: PropertyProfile) -> list[str]:
    spec = PanelSpec(personas=PERSONA_KEYS, languages=("es",))
    return [q.text for q in build_panel(profile, spec).queries]


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_every_question_is_told_in_its_language(profile: PropertyProfile) -> None:
    for query in build_panel(profile, EVERYONE).queries:
        assert detect(query.text) == query.language, query.text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Best place to live in Rancho Peñasquitos", "en"),  # a Spanish place name
        ("Opiniones de The Harlow", "es"),  # an English brand name
        ("What is Casa de la Vista?", "en"),
        ("BEST APARTMENTS IN SAN DIEGO", "en"),
        ("Mejores Apartamentos En San Diego", "es"),  # title case: every word counts
        ("¿AMLI Aero?", "es"),
    ],
)
def test_names_do_not_decide_the_language(text: str, language: str) -> None:
    assert detect(text) == language


def ask(
    profile: PropertyProfile, text: str, model: str, sample: int, natural: bool, lie: float
) -> tuple[SimAnswer, AnswerScore, str]:
    """The simulated answer and its score by the production code, as an audit scores it."""
    lies = Lies(position_rate=lie, domain_rate=lie)
    brand = brand_context(profile)
    if not natural:
        world, asked = parse_structured_prompt(structured_prompt(profile, text).user)
        sim = simulate_answer(world, asked, model, 42, sample=sample, lies=lies)
        return sim, score_answer(coerce_answer_block(sim.block), brand), ""
    world = World.from_profile(profile)
    sim = simulate_answer(world, text, model, 42, sample=sample, natural=True, lies=lies)
    prose = render(sim.block, text)
    envelope = extract(
        prose,
        profile.name,
        profile.address.city_state(),
        brand_domain=profile.brand_domains[0],
        lie_rate=lie,
    )
    scored = score_answer(
        coerce_answer_block(envelope["answer_block"]),
        brand,
        location_stated=location_stated(envelope["analysis"]),
        evidence=Evidence(prose=prose),
    )
    return sim, scored, prose


def agrees(sim: SimAnswer, got: AnswerScore) -> bool:
    truth = sim.truth
    return (got.presence, got.llm_rank, got.link_rank) == (
        truth.presence,
        truth.rank,
        truth.link_rank,
    )


@pytest.mark.parametrize("natural", [False, True], ids=["structured", "natural"])
@pytest.mark.parametrize("lie", [0.0, 1.0])
def test_spanish_answers_score_as_the_ground_truth(natural: bool, lie: float) -> None:
    answers = present = 0
    for profile, model, sample in itertools.product(PROFILES, MODELS, range(3)):
        for text in spanish_panel(profile):
            sim, got, _ = ask(profile, text, model, sample, natural, lie)
            assert agrees(sim, got), (profile.name, text, model, sample, sim.truth, got)
            answers += 1
            present += sim.truth.presence
    print(
        f"\nSpanish, {'natural' if natural else 'structured'}, lies {lie:.0%}: "
        f"{answers} answers, the brand in {present}, every one scored as the truth"
    )
    assert answers >= 1000 and 0.2 < present / answers < 0.9


def test_a_spanish_question_is_answered_in_spanish() -> None:
    profile = ENGLISH_NAMED[0]  # AMLI Aero, San Diego
    es, en = PHRASES["es"], PHRASES["en"]
    seen_brand = wrong_cities = 0
    for text, sample in itertools.product(spanish_panel(profile), range(3)):
        sim, got, prose = ask(profile, text, "gpt-5.5", sample, natural=True, lie=0.0)
        assert prose.startswith(es.opening)
        assert (es.no_sources in prose) is not bool(sim.block["citations"])
        assert sim.block["answer_summary"].startswith("Los inquilinos suelen considerar ")
        english = (en.opening, en.more, en.no_sources, *en.sentiment.values(), "A strong match")
        assert not any(phrase in prose for phrase in english)
        if sim.truth.presence:
            seen_brand += 1
            # The tone read from Spanish words is the truth's; the place read from "en …".
            assert got.sentiment == sim.truth.sentiment, prose
            assert got.sentiment_phrase.endswith(f": {es.sentiment[sim.truth.sentiment]}.")
            wrong_city = " en Denver, CO: " in got.sentiment_phrase
            assert ("nap_mismatch" in got.flags) is wrong_city, got.sentiment_phrase
            wrong_cities += wrong_city
    assert seen_brand >= 20 and wrong_cities >= 1
