"""Where the server may send a request of its own (alert webhooks): the SSRF guard.

A URL a user gave must not reach the machine's own services, the private network or the
cloud's metadata service. The host is resolved when the request is sent, every address it
resolves to must be public (or on the operator's allow-list), and the connection goes to the
address that was checked (the `Host` header and TLS name stay the URL's), so a DNS answer that
changes between the check and the connection cannot redirect it. The resolver's own parsing
decides what an address is, so `0177.0.0.1`, `2130706433`, `0x7f.1` and `[::ffff:127.0.0.1]`
are all 127.0.0.1 here too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# Names that are internal by construction, whatever DNS says.
INTERNAL_NAMES = ("localhost", "metadata", "metadata.google.internal", "instance-data")
INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa")


class EgressRefused(ValueError):
    """The URL leads somewhere the server must not send requests."""


@dataclass(frozen=True)
class EgressPolicy:
    """Public addresses only, unless the operator allows hosts or networks on purpose."""

    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[Network, ...] = field(default_factory=tuple)

    @classmethod
    def parse(cls, entries: Iterable[str]) -> EgressPolicy:
        """`hooks.internal.example, 10.20.0.0/16, 127.0.0.1` → hosts and networks."""
        hosts: set[str] = set()
        nets: list[Network] = []
        for raw in entries:
            entry = raw.strip().lower()
            if not entry:
                continue
            try:
                nets.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.rstrip("."))
        return cls(frozenset(hosts), tuple(nets))

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.allowed_hosts

    def allows_address(self, address: Address) -> bool:
        return any(address in net for net in self.allowed_networks)


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in ipaddress.ip_network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def internal_reason(address: Address) -> str | None:
    """Why an address is not a public one (None when it is)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_v4(address)
        if inner is not None:
            reason = internal_reason(inner)
            return f"{reason} (inside {address})" if reason else None
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local (cloud metadata lives there)", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("shared (carrier-grade NAT)", address in ipaddress.ip_network("100.64.0.0/10")),
        ("reserved", address.is_reserved),
    )
    for name, hit in checks:
        if hit:
            return f"{address} is a {name} address"
    if not address.is_global:
        return f"{address} is not a public address"
    return None


def literal_address(host: str) -> Address | None:
    """The address a host spells directly, in any spelling the C resolver accepts."""
    text = host.strip("[]")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    try:  # inet_aton: octal, hex, dotless and short forms ("0177.0.0.1", "2130706433")
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


def check_url(url: str, policy: EgressPolicy) -> str:
    """Refuse, without resolving anything, a URL that is obviously internal; returns its host.
    (The real check happens at send time, on the resolved addresses.)"""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise EgressRefused("only http and https URLs are allowed")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise EgressRefused("the URL has no host")
    if parts.username or parts.password:
        raise EgressRefused("credentials in the URL are not allowed")
    if policy.allows_host(host):
        return host
    literal = literal_address(host)
    if literal is not None:
        reason = internal_reason(literal)
        if reason and not policy.allows_address(literal):
            raise EgressRefused(f"{reason}; webhooks must go to a public address")
        return host
    if host in INTERNAL_NAMES or host.endswith(INTERNAL_SUFFIXES) or "." not in host:
        raise EgressRefused(f"{host} is an internal name; webhooks must go to a public address")
    return host


async def resolve(host: str, port: int) -> list[Address]:
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    found: list[Address] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


async def checked_address(url: str, policy: EgressPolicy) -> tuple[str, Address]:
    """The host of the URL and the one address to connect to, every resolved one checked."""
    host = check_url(url, policy)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = await resolve(host, port)
    except OSError as exc:
        raise EgressRefused(f"{host} does not resolve") from exc
    if not addresses:
        raise EgressRefused(f"{host} does not resolve")
    if not policy.allows_host(host):
        for address in addresses:
            reason = internal_reason(address)
            if reason and not policy.allows_address(address):
                raise EgressRefused(f"{host} resolves to {reason}")
    return host, addresses[0]


class Redirected(Exception):
    """The receiver answered 3xx; redirects are never followed (they could lead anywhere)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"webhook answered HTTP {status}; redirects are not followed")
        self.status = status


async def post_json(
    url: str, payload: dict[str, Any], policy: EgressPolicy, *, timeout: float = 10.0
) -> int:
    """POST `payload` to the address checked for `url`; returns the status code (the body is
    never read). EgressRefused when it leads somewhere internal, Redirected on a 3xx."""
    host, address = await checked_address(url, policy)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    netloc = f"[{address}]" if address.version == 6 else str(address)
    target = parts._replace(netloc=f"{netloc}:{port}").geturl()
    default_port = port == (443 if parts.scheme == "https" else 80)
    headers = {
        "Host": host if default_port else f"{host}:{port}",
        "User-Agent": "PropertyAudit-Alerts/0.2",
    }
    # trust_env off: a proxy from the environment would connect to a name, not the address.
    async with httpx.AsyncClient(
        timeout=timeout, follow_redirects=False, trust_env=False
    ) as client:
        response = await client.post(
            target,
            json=payload,
            headers=headers,
            extensions={"sni_hostname": host} if parts.scheme == "https" else {},
        )
    if 300 <= response.status_code < 400:
        raise Redirected(response.status_code)
    return response.status_code
