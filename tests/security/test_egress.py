"""The SSRF guard: every spelling of an internal address is refused before a request leaves,
a name that resolves inside is refused at send time, the connection goes to the address that
was checked, redirects are never followed, and the operator's allow-list lets a private
receiver through on purpose."""

from __future__ import annotations

import asyncio
import ipaddress
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from config import egress
from config.egress import EgressPolicy, EgressRefused, Redirected, check_url, post_json

OPEN = EgressPolicy()
INTERNAL = [
    "http://127.0.0.1/hook",
    "http://127.1/hook",
    "http://0177.0.0.1/hook",  # octal
    "http://2130706433/hook",  # one decimal number
    "http://0x7f.0.0.1/hook",  # hexadecimal
    "http://0x7f000001/hook",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped IPv6
    "http://[::ffff:7f00:1]/hook",
    "http://[2002:7f00:1::1]/hook",  # 6to4 around 127.0.0.1
    "http://[64:ff9b::a9fe:a9fe]/hook",  # NAT64 around the metadata address
    "http://169.254.169.254/latest/meta-data/",  # AWS, GCP, Azure metadata
    "http://[fd00:ec2::254]/latest/meta-data/",  # AWS metadata over IPv6
    "http://100.100.100.200/latest/meta-data/",  # Alibaba metadata (shared space)
    "http://10.0.0.7/hook",
    "http://172.16.3.4/hook",
    "http://192.168.1.10/hook",
    "http://100.64.0.1/hook",  # carrier-grade NAT
    "http://0.0.0.0/hook",
    "http://[::]/hook",
    "http://224.0.0.1/hook",  # multicast
    "http://[ff02::1]/hook",
    "http://240.0.0.1/hook",  # reserved
    "http://[fe80::1]/hook",
    "http://localhost:8000/hook",
    "http://LOCALHOST./hook",
    "http://api.localhost/hook",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://printer.local/hook",
    "http://intranet/hook",
    "https://user:secret@hooks.example.com/x",
    "ftp://hooks.example.com/x",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_urls_are_refused_before_anything_is_resolved(url: str) -> None:
    with pytest.raises(EgressRefused):
        check_url(url, OPEN)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com/services/T/B/X",
        "https://93.184.215.14/hook",
        "http://[2606:4700::1111]/x",
    ],
)
def test_public_urls_pass_the_door(url: str) -> None:
    assert check_url(url, OPEN)


def test_a_name_resolving_inside_is_refused_at_send_time(monkeypatch: pytest.MonkeyPatch) -> None:
    async def rebinding(host: str, port: int) -> list[egress.Address]:
        return [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(egress, "resolve", rebinding)
    with pytest.raises(EgressRefused, match="127.0.0.1 is a loopback"):
        asyncio.run(post_json("https://hooks.example.com/x", {}, OPEN))


class Listener:
    """A local receiver that records what reaches it and answers `status`."""

    def __init__(self, status: int = 200, location: str = "") -> None:
        self.hits: list[tuple[str, dict[str, str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("content-length", 0))
                self.rfile.read(length)
                outer.hits.append((self.path, dict(self.headers)))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def listener() -> Iterator[Listener]:
    ear = Listener()
    yield ear
    ear.close()


def test_a_local_listener_gets_nothing_without_the_allow_list(listener: Listener) -> None:
    with pytest.raises(EgressRefused):
        asyncio.run(post_json(f"http://127.0.0.1:{listener.port}/hook", {"a": 1}, OPEN))
    assert listener.hits == []


def test_the_allow_list_lets_a_private_receiver_through(listener: Listener) -> None:
    for policy in (EgressPolicy.parse(["127.0.0.0/8"]), EgressPolicy.parse(["localhost"])):
        host = "127.0.0.1" if policy.allowed_networks else "localhost"
        status = asyncio.run(post_json(f"http://{host}:{listener.port}/hook", {"a": 1}, policy))
        assert status == 200
    assert [path for path, _ in listener.hits] == ["/hook", "/hook"]
    # The connection went to the checked address; the Host header kept the URL's name.
    assert listener.hits[1][1]["Host"] == f"localhost:{listener.port}"


def test_a_redirect_is_a_failed_delivery_and_never_followed(listener: Listener) -> None:
    bouncer = Listener(status=302, location=f"http://127.0.0.1:{listener.port}/stolen")
    try:
        policy = EgressPolicy.parse(["127.0.0.1/32"])
        with pytest.raises(Redirected):
            asyncio.run(post_json(f"http://127.0.0.1:{bouncer.port}/hook", {}, policy))
    finally:
        bouncer.close()
    assert len(bouncer.hits) == 1 and listener.hits == []
