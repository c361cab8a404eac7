"""The language of a question, and the simulated model's stock phrases in it.

Real models answer in the language they are asked in. The detection is deterministic and
needs no model: an inverted mark (¿ ¡) is Spanish; otherwise Spanish function words and
accented words are counted against English ones, ties going to English. Brand and place names
("The Harlow", "La Jolla", "Rancho Peñasquitos") are capitalised and not counted; articles and
"de", and words both languages write ("a", "me"), count for neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SPANISH_WORDS = frozenset(
    {
        *("apartamentos", "apartamento", "departamentos", "en", "con", "para", "por", "cerca"),
        *("mejor", "mejores", "que", "qué", "dónde", "donde", "cómo", "como", "cuál", "es"),
        *("un", "una", "y", "opiniones", "buen", "buena", "lugar", "vivir", "alquilar"),
        *("comunidades", "háblame", "tiene", "mudarse", "mudo", "hay", "sobre", "busco"),
        *("recomendaciones", "amenidades", "alquiler", "precio", "precios", "barrio"),
    }
)
ENGLISH_WORDS = frozenset(
    {
        *("apartments", "apartment", "in", "with", "for", "near", "best", "what", "where"),
        *("how", "is", "an", "the", "and", "to", "of", "reviews", "good", "place", "live"),
        *("tell", "about", "does", "do", "i", "can", "find", "have", "moving", "which"),
    }
)
_WORD = re.compile(r"[^\W\d_]+")
_ACCENTED = re.compile(r"[áéíóúüñ]")


def detect(text: str) -> str:
    """'es' or 'en'."""
    if "¿" in text or "¡" in text:
        return "es"
    words = _WORD.findall(text)
    # Names are capitalised ("Opiniones de The Harlow"): the words between them tell the
    # language; a text in title case has only names, so then every word counts.
    common = [w.lower() for i, w in enumerate(words) if i == 0 or not w[0].isupper()]
    spanish, english = _votes(common)
    if not spanish and not english:
        spanish, english = _votes([w.lower() for w in words])
    return "es" if spanish > english else "en"


def _votes(words: list[str]) -> tuple[int, int]:
    spanish = sum(w in SPANISH_WORDS or bool(_ACCENTED.search(w)) for w in words)
    return spanish, sum(w in ENGLISH_WORDS for w in words)


@dataclass(frozen=True)
class Phrases:
    """What the simulated model writes around the facts of its answer."""

    sentiment: dict[str, str]
    place: str  # before "City, ST" in the brand's rationale
    other: str  # another entity's rationale: {where} is place + city, or ""
    summary: str  # {top}: the first three names
    opening: str
    more: str
    no_sources: str


PHRASES: dict[str, Phrases] = {
    "en": Phrases(
        sentiment={
            "positive": "residents praise its amenities and responsive management",
            "neutral": "it is a mid-sized community close to transit",
            "negative": "some reviews mention slow maintenance responses",
        },
        place="in",
        other="A strong match for this search{where}.",
        summary="Renters most often consider {top}.",
        opening="Here are places renters often consider:",
        more="More to read: ",
        no_sources="I don't have specific sources to point to, so check current listings.",
    ),
    "es": Phrases(
        sentiment={
            "positive": "los residentes elogian sus amenidades y su administración atenta",
            "neutral": "es una comunidad de tamaño medio cerca del transporte público",
            "negative": "algunas reseñas mencionan respuestas lentas de mantenimiento",
        },
        place="en",
        other="Una muy buena opción para esta búsqueda{where}.",
        summary="Los inquilinos suelen considerar {top}.",
        opening="Estos son lugares que los inquilinos suelen considerar:",
        more="Más para leer: ",
        no_sources=(
            "No tengo fuentes concretas que citar, así que consulta los anuncios actuales."
        ),
    ),
}


def phrases_for(query: str) -> Phrases:
    return PHRASES[detect(query)]
