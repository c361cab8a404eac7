"""Domain normalisation and brand-domain tests, None-safe throughout."""

from __future__ import annotations

from urllib.parse import urlsplit

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
    if host:
        return [host]
    lowered = (name or "").lower()
    for key, domain in KNOWN_OPERATOR_DOMAINS.items():
        if key in lowered:
            return [domain]
    return []
