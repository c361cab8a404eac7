"""Putting a panel together: the defaults are the general English panel, personas and languages
add to it, "auto" reads the target audience, and building twice gives the same panel."""

from __future__ import annotations

from collections import Counter

import pytest

from geo.panel import generate_panel, normalize_query_text
from geo.panel_spec import LANGUAGES, PanelSpec, build_panel, resolve_personas
from geo.personas import PERSONA_KEYS
from tests.geo.test_panel import aero


def test_the_defaults_are_the_general_panel_in_english() -> None:
    plan = build_panel(aero())
    assert plan.queries == generate_panel(aero())
    assert (plan.personas, plan.languages) == ([], ["en"])


def test_every_persona_in_both_languages() -> None:
    plan = build_panel(aero(), PanelSpec(personas=PERSONA_KEYS, languages=LANGUAGES))
    counts = Counter((q.persona, q.language) for q in plan.queries)
    assert counts[("", "en")] == counts[("", "es")] == 26
    # Aero's pool, gym, dog park: an amenity question for families, students, pet owners and
    # relocating professionals; none for remote workers or seniors.
    for key, n in {
        "families": 6,
        "students": 6,
        "pet_owners": 6,
        "remote_workers": 5,
        "seniors": 5,
        "relocating_professionals": 6,
    }.items():
        assert counts[(key, "en")] == counts[(key, "es")] == n, key
    assert len(plan.queries) == 2 * (26 + 34)
    keys = [normalize_query_text(q.text) for q in plan.queries]
    assert len(set(keys)) == len(keys)
    # Language by language: all English first.
    assert [q.language for q in plan.queries] == ["en"] * 60 + ["es"] * 60
    assert build_panel(aero(), PanelSpec(personas=PERSONA_KEYS, languages=LANGUAGES)) == plan


def test_auto_reads_the_target_audience_and_keys_are_not_repeated() -> None:
    assert resolve_personas(("auto",), "Young professionals and families") == [
        "families",
        "relocating_professionals",
    ]
    assert resolve_personas(("seniors", "auto", "families"), "families") == ["seniors", "families"]
    plan = build_panel(aero(), PanelSpec(general=False, personas=("auto",), languages=("es",)))
    assert plan.personas == ["families", "relocating_professionals"]
    assert {q.persona for q in plan.queries} == {"families", "relocating_professionals"}


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ({"personas": ("gamers",)}, "valid: families, students"),
        ({"languages": ("fr",)}, "valid: en, es"),
    ],
)
def test_an_unknown_persona_or_language_names_the_valid_ones(
    spec: dict[str, tuple[str, ...]], named: str
) -> None:
    with pytest.raises(ValueError, match=named):
        PanelSpec(**spec)  # type: ignore[arg-type]
