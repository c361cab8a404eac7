"""Domain normalisation and brand-domain tests, None-safe throughout."""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*$"
)

# The seed's name → domain table for well-known operators (seed-system.md §2), used only when a
# profile gives neither brand domains nor a website.
KNOWN_OPERATOR_DOMAINS: dict[str, str] = {
    "amli": "amli.com",
    "avalon": "avaloncommunities.com",
    "greystar": "greystar.com",
    "essex": "essexapartmenthomes.com",
    "equity": "equityapartments.com",
    "camden": "camdenliving.com",
    "bozzuto": "bozzuto.com",
    "gables": "gables.com",
    "cortland": "cortland.com",
    "lincoln": "lincolnapts.com",
}


def normalize_domain(value: str | None) -> str:
    """`https://www.Example.com/path` → `example.com`; empty for None or blank."""
    if not value:
        return ""
    text = value.strip().lower()
    for scheme in ("https://", "http://"):
        if text.startswith(scheme):
            text = text[len(scheme) :]
            break
    text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    text = text.split("@")[-1].split(":", 1)[0].rstrip(".")
    if text.startswith("www."):
        text = text[4:]
    return text


def domain_of_url(url: str | None) -> str:
    """The normalised host of a URL, tolerant of scheme-less input."""
    if not url:
        return ""
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    return normalize_domain(host)


def is_brand_domain(domain: str | None, brand_domains: list[str] | None) -> bool:
    """Equal to a brand domain or a subdomain of one."""
    d = normalize_domain(domain)
    if not d or not brand_domains:
        return False
    for bd in brand_domains:
        b = normalize_domain(bd)
        if b and (d == b or d.endswith("." + b)):
            return True
    return False


def infer_brand_domains(website_url: str | None, name: str | None) -> list[str]:
    """Brand domains when the profile gives none: the website's host, else a known operator."""
    host = domain_of_url(website_url)
    if host and registrable_domain(host):
        return [host]
    lowered = (name or "").lower()
    for key, domain in KNOWN_OPERATOR_DOMAINS.items():
        if key in lowered:
            return [domain]
    return []


class NotRegistrable(ValueError):
    """A public suffix (`com`, `co.uk`, `github.io`) where a brand's own domain belongs."""


@functools.cache
def _suffix_list() -> PublicSuffixList:
    # The list ships inside the package: nothing is downloaded at run time.
    return PublicSuffixList()


def registrable_domain(value: str | None) -> str:
    """The registrable part of a host (`sandiego.amli.com` → `amli.com`), '' when it has none."""
    host = normalize_domain(value)
    if not host or not _HOST.match(host):
        return ""
    return _suffix_list().privatesuffix(host) or ""


def checked_brand_domain(value: str | None) -> str:
    """A normalised brand or competitor domain, or NotRegistrable saying why it cannot be one."""
    host = normalize_domain(value)
    if not host or not _HOST.match(host):
        raise NotRegistrable(f"{value!r} is not a domain name")
    if not registrable_domain(host):
        raise NotRegistrable(
            f"{host!r} is a public suffix (anyone can register under it), not a brand's domain; "
            f"give the registrable domain, e.g. 'example.{host}'"
        )
    return host
