"""Which panel to build: the general questions and the personas' questions, in which languages.

`build_panel` puts it together, language by language (the general questions, then each
persona's), and never holds a text twice. With the defaults it is exactly `generate_panel`:
the general panel in English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from geo.panel import PanelQuery, dedupe, generate_panel
from geo.panel_es import WORDINGS
from geo.personas import PERSONA_KEYS, persona_questions, seed_personas
from geo.profile import PropertyProfile

Language = Literal["en", "es"]
LANGUAGES: tuple[str, ...] = get_args(Language)
AUTO = "auto"  # the personas the profile's target audience names


@dataclass(frozen=True)
class PanelSpec:
    general: bool = True
    personas: tuple[str, ...] = ()  # persona keys, or AUTO among them
    languages: tuple[str, ...] = ("en",)

    def __post_init__(self) -> None:
        unknown = [p for p in self.personas if p != AUTO and p not in PERSONA_KEYS]
        if unknown:
            raise ValueError(f"unknown personas {unknown}; valid: {', '.join(PERSONA_KEYS)}, auto")
        bad = [lang for lang in self.languages if lang not in LANGUAGES]
        if bad:
            raise ValueError(f"unknown languages {bad}; valid: {', '.join(LANGUAGES)}")


@dataclass(frozen=True)
class PanelPlan:
    """What a spec means for one profile: the personas it resolves to and the questions."""

    personas: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    queries: list[PanelQuery] = field(default_factory=list)


def resolve_personas(keys: tuple[str, ...], target_audience: str) -> list[str]:
    """The persona keys asked for, AUTO replaced by those the target audience names; distinct,
    in the order asked."""
    out: list[str] = []
    for key in keys:
        out += seed_personas(target_audience) if key == AUTO else [key]
    return list(dict.fromkeys(out))


def build_panel(profile: PropertyProfile, spec: PanelSpec | None = None) -> PanelPlan:
    spec = spec or PanelSpec()
    personas = resolve_personas(spec.personas, profile.target_audience)
    languages = list(dict.fromkeys(spec.languages))
    queries: list[PanelQuery] = []
    for language in languages:
        if spec.general:
            queries += generate_panel(profile, WORDINGS[language])
        for key in personas:
            queries += persona_questions(profile, key, language)
    return PanelPlan(personas=personas, languages=languages, queries=dedupe(queries))
