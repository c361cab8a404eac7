"""Is an entity, a link or a sentence the brand? (seed-system.md §3.2, made stricter).

Matching the brand's first word anywhere would count "AMLI Residential" (the operator) or
"Aeroview Flats" as "AMLI Aero". So names match on whole tokens; the operator's shared domain
counts only with the property's own distinctive words; and when the property lives under a path
of the operator's site, only links under that path are the brand's.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property, lru_cache
from urllib.parse import urlsplit

from geo.answer import Citation, Entity
from geo.domains import domain_of_url, is_brand_domain, normalize_domain
from geo.profile import BrandContext

GENERIC_WORDS = frozenset(
    {
        "apartments",
        "apartment",
        "properties",
        "property",
        "living",
        "homes",
        "home",
        "residences",
        "residence",
        "lofts",
        "flats",
        "suites",
        "communities",
        "community",
        "luxury",
        "modern",
        "villas",
        "towers",
        "the",
        "at",
        "on",
        "of",
        "a",
        "an",
        "and",
        "by",
        # The same words in Spanish, so "Residencial Las Palmas" is matched by its own name.
        "apartamentos",
        "apartamento",
        "departamentos",
        "departamento",
        "residencias",
        "residencia",
        "residencial",
        "residenciales",
        "comunidades",
        "comunidad",
        "viviendas",
        "vivienda",
        "hogares",
        "hogar",
        "torres",
        "lujo",
        "moderno",
        "modernos",
        "el",
        "la",
        "los",
        "las",
        "de",
        "del",
        "en",
        "y",
    }
)


def tokens(text: str | None) -> list[str]:
    """Lower-case word tokens; `&`, hyphens and punctuation split words. Accents are dropped,
    so "Peñasco" is one word and the same word as "Penasco" (models often drop them)."""
    return list(_tokens(text or ""))


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    # The same few hundred names (places, rivals, the brand) are matched over and over across an
    # audit's answers: cached, they are decomposed once per process.
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return tuple(re.findall(r"[a-z0-9]+", plain))


def _contains_run(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def names_brand(text: str | None, brand_name: str | None) -> bool:
    """The text names the brand in full, on word boundaries."""
    return _contains_run(tokens(text), tokens(brand_name))


class BrandMatcher:
    def __init__(self, brand: BrandContext) -> None:
        self.brand = brand
        self.name_tokens = tokens(brand.name)
        self.significant = [t for t in self.name_tokens if t not in GENERIC_WORDS]
        self.domains = [d for d in (normalize_domain(x) for x in brand.domains) if d]

    @cached_property
    def distinctive(self) -> set[str]:
        """Brand words not already spelled by its domains (amli.com makes 'amli' the operator's)."""
        labels = "".join(d.split(".")[0] for d in self.domains)
        return {t for t in self.significant if t not in labels}

    @cached_property
    def site_path(self) -> str:
        """The property's page under a shared operator site, e.g. `/…/amli-aero`, else ''."""
        url = self.brand.website_url or ""
        if not url or not is_brand_domain(domain_of_url(url), self.domains):
            return ""
        path = urlsplit(url if "://" in url else "http://" + url).path.rstrip("/")
        return path.lower()

    def is_brand_entity(self, name: str, domain: str = "") -> bool:
        entity_tokens = tokens(name)
        if _contains_run(entity_tokens, self.name_tokens):
            return True
        if self.significant and set(self.significant) <= set(entity_tokens):
            return True  # "Aero by AMLI", "AMLI-Aero"
        if domain and is_brand_domain(domain, self.domains):
            # On a shared operator domain the entity must carry the property's own words.
            return not self.distinctive or bool(self.distinctive & set(entity_tokens))
        return False

    def entity_is_brand(self, entity: Entity) -> bool:
        return self.is_brand_entity(entity.name, entity.domain)

    def url_is_brand(self, url: str) -> bool:
        """A link to the brand: its host is a brand domain (or a subdomain of one) and, when the
        property lives under a path of a shared operator site, the link is under that path."""
        if not is_brand_domain(domain_of_url(url), self.domains):
            return False
        if not self.site_path:
            return True
        path = urlsplit(url if "://" in url else "http://" + url).path.lower()
        last = self.site_path.rsplit("/", 1)[-1]
        return path.startswith(self.site_path) or (bool(last) and last in path.split("/"))

    def citation_is_brand(self, citation: Citation) -> bool:
        # The host of the URL decides; the domain the model wrote beside it is never trusted.
        return self.url_is_brand(citation.url)

    def summary_names_brand(self, summary: str | None) -> bool:
        return names_brand(summary, self.brand.name)

    def prose_names_brand(self, prose: str | None) -> bool:
        """Running text names the brand: its full name on word boundaries, or all its
        significant words close together ("Aero by AMLI"). Links are not read as names."""
        words = tokens(_URL.sub(" ", prose or ""))
        if _contains_run(words, self.name_tokens):
            return True
        wanted = set(self.significant)
        if not wanted:
            return False
        width = len(self.significant) + 2
        return any(wanted <= set(words[i : i + width]) for i in range(len(words)))

    def prose_shows_brand(self, prose: str | None, source_urls: list[str]) -> bool:
        """What a reader of the prose sees: the brand named, or a link to one of its pages."""
        return self.prose_names_brand(prose) or any(
            self.url_is_brand(url) for url in [*links_in(prose), *source_urls]
        )


_URL = re.compile(r"https?://[^\s)\]>\"']+", re.IGNORECASE)


def links_in(text: str | None) -> list[str]:
    """Every absolute http(s) URL in a text (markdown links included)."""
    return [m.group(0).rstrip(".,;:") for m in _URL.finditer(text or "")]


def entity_matches_brand(
    entity: Entity, brand_name: str | None, brand_domains: list[str] | None
) -> bool:
    """Convenience for one-off checks."""
    return BrandMatcher(
        BrandContext(name=brand_name or "", domains=list(brand_domains or []))
    ).entity_is_brand(entity)
