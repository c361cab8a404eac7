"""Page-level source gaps against the simulator's ground truth.

The answers llmsim gives to a property's whole panel on two models, in two audits, are
recomputed with `llmsim.answers`, stored through the production recording code (scored by the
production scorer) and read back through the API. The expected gaps are derived from the
simulator's own record of each answer instead: which entity is the brand (its truth), which
links are the brand's, and whom each citation was written for (`entity_ref`), with names
compared exactly, no matcher involved.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from db.models import Answer, Run
from geo.answer import coerce_answer_block
from geo.panel import generate_panel
from geo.profile import Address, Competitor, PropertyProfile
from llmsim.answers import SimAnswer, simulate_answer
from llmsim.market import World
from tests.api.conftest import Api
from tests.factories import AuditSpec, Sessions, new_audit, new_property

PROFILE = PropertyProfile(
    name="The Harlow",
    address=Address(neighborhood="Capitol Hill", city="Seattle", state="WA"),
    website_url="https://www.theharlowseattle.com/",
    brand_domains=["theharlowseattle.com"],
    amenities=["Rooftop deck", "Coworking", "Pet friendly"],
    # Two of the simulated Seattle market's communities.
    competitors=[
        Competitor(name="Summit Point", domain="summitpointapartments.com"),
        Competitor(name="Canyon Gardens", domain="canyongardensapartments.com"),
    ],
)
MODELS = {"openai": "gpt-5.5", "claude": "claude-sonnet-5-5"}
SEED = 42
T0 = datetime(2026, 11, 1, tzinfo=UTC)
Answers = dict[tuple[int, str, str], SimAnswer]  # (audit, surface, question) → the answer


def simulate() -> Answers:
    """Two audits (samples 0 and 1) of the whole panel on both models, with web search."""
    world = World.from_profile(PROFILE)
    return {
        (audit, surface, q.text): simulate_answer(
            world, q.text, model, SEED, sample=audit, web_search=True
        )
        for audit in (0, 1)
        for surface, model in MODELS.items()
        for q in generate_panel(PROFILE)
    }


async def store(sessions: Sessions, answers: Answers) -> tuple[uuid.UUID, list[uuid.UUID]]:
    questions = [q.text for q in generate_panel(PROFILE)]
    prop = await new_property(
        sessions,
        questions,
        name=PROFILE.name,
        city="Seattle",
        state="WA",
        website_url=PROFILE.website_url,
        brand_domains=PROFILE.brand_domains,
        competitors=[c.model_dump() for c in PROFILE.competitors],
    )
    ids = []
    for audit in (0, 1):
        by_surface = {
            surface: {
                q: coerce_answer_block(sim.block)
                for (a, s, q), sim in answers.items()
                if a == audit and s == surface
            }
            for surface in MODELS
        }
        spec = AuditSpec(answers=by_surface, created_at=T0 + timedelta(days=7 * audit))
        ids.append(await new_audit(sessions, prop, spec))
    return prop, ids


async def recorded_at(
    sessions: Sessions, ids: list[uuid.UUID]
) -> dict[tuple[int, str, str], datetime]:
    """When each answer was stored."""
    async with sessions() as s:
        rows = await s.execute(
            select(Run.batch_id, Run.surface, Answer.query_text, Answer.created_at).join(
                Answer, Answer.run_id == Run.id
            )
        )
        return {(ids.index(audit), surface, text): at for audit, surface, text, at in rows.all()}


def names(sim: SimAnswer) -> list[str]:
    """The places the answer lists, the brand's entry left out (its truth says where it is)."""
    listed = [e["name"] for e in sim.block["ordered_entities"]]
    if sim.truth.rank is not None:
        del listed[sim.truth.rank - 1]
    return listed


def discovered_rightly(answers: Answers, rivals: list[str]) -> None:
    """The API's unlisted competitors are the places the latest audit named most."""
    counts = Counter(
        n
        for (audit, _, _), sim in answers.items()
        if audit == 1
        for n in set(names(sim))
        if n not in {c.name for c in PROFILE.competitors}
    )
    found = rivals[len(PROFILE.competitors) :]
    assert len(found) == 5
    rest = [c for n, c in counts.items() if n not in found]
    assert min(counts[n] for n in found) >= max(rest)


@dataclass
class Expected:
    favoured: Counter[str] = field(default_factory=Counter)
    pairs: set[tuple[str, str]] = field(default_factory=set)
    answers: list[tuple[int, str, str]] = field(default_factory=list)
    citations: int = 0


def expected_gaps(answers: Answers, rivals: list[str]) -> dict[str, Expected]:
    excluded: set[str] = set()
    gaps: dict[str, Expected] = {}
    for (audit, surface, question), sim in answers.items():
        cites = sim.block["citations"]
        if sim.truth.presence:  # every page of an answer naming the brand is the brand's too
            excluded.update(c["url"] for c in cites)
            continue
        listed = [n for n in names(sim) if n in rivals]
        for c in cites:
            favoured = [c["entity_ref"]] if c["entity_ref"] in rivals else listed
            if not favoured:
                continue
            gap = gaps.setdefault(c["url"], Expected())
            gap.favoured.update(favoured)
            gap.pairs.add((question, surface))
            gap.answers.append((audit, surface, question))
            gap.citations += 1
    return {url: gap for url, gap in gaps.items() if url not in excluded}


def test_gap_pages_match_the_simulators_ground_truth(api: Api) -> None:
    answers = simulate()
    prop, ids = api.seed(lambda sessions: store(sessions, answers))
    recorded = api.seed(lambda sessions: recorded_at(sessions, ids))
    body = api.client.get(f"/properties/{prop}/source-gaps", params={"limit": 200}).json()
    rivals: list[str] = body["competitors"]
    assert rivals[:2] == ["Summit Point", "Canyon Gardens"]
    discovered_rightly(answers, rivals)

    expected = expected_gaps(answers, rivals)
    pages: list[dict[str, Any]] = body["pages"]
    assert body["total"] == len(pages) == len(expected) >= 10
    assert {p["url"] for p in pages} == set(expected)
    ranked = sorted(expected, key=lambda u: (-len(expected[u].pairs), -expected[u].citations, u))
    assert [p["url"] for p in pages] == ranked
    for page in pages:
        want = expected[page["url"]]
        assert page["question_surfaces"] == len(want.pairs)
        assert page["questions"] == len({q for q, _ in want.pairs})
        assert page["surfaces"] == sorted({s for _, s in want.pairs})
        assert page["citations"] == want.citations
        favoured = sorted(want.favoured.items(), key=lambda kv: (-kv[1], kv[0]))
        assert [(c["name"], c["citations"]) for c in page["competitors"]] == favoured
        seen = [recorded[key] for key in want.answers]
        shown = (
            datetime.fromisoformat(page["first_seen"]),
            datetime.fromisoformat(page["last_seen"]),
        )
        assert shown == (min(seen), max(seen))
    # Page level, not domain level: one source site has several distinct gap pages.
    by_domain = Counter(p["domain"] for p in pages)
    assert by_domain.most_common(1)[0][1] >= 3

    # The advice names the leading pages a property can be listed on.
    recs = api.client.get(f"/properties/{prop}/recommendations").json()["recommendations"]
    named = [r["pages"][0] for r in recs if r["type"] == "page_gap"]
    listable = [p["url"] for p in pages if not p["rival_site"] and p["question_surfaces"] >= 2]
    assert named and named == listable[: len(named)]
    first = next(r for r in recs if r["type"] == "page_gap")
    assert first["title"] == f"Get listed on {named[0]}"
    assert (
        first["description"].startswith("Cited ") and "never for The Harlow" in first["description"]
    )
