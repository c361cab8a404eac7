"""Ports for processes started side by side, and waiting for a process to be ready."""

from __future__ import annotations

import random
import socket
import subprocess
import time
from pathlib import Path

_HANDED_OUT: set[int] = set()


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A free port below the kernel's ephemeral range: a port the kernel hands out for `bind(0)`
    comes from that range, where any outgoing connection may take it before our server binds
    it."""
    high = _ephemeral_low() - 1
    for _ in range(200):
        port = random.randint(min(20_000, high - 1000), high)
        if port not in _HANDED_OUT and _bindable(port):
            _HANDED_OUT.add(port)  # nothing binds it yet: never hand it out twice
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex((host, port)) == 0


def wait_until(
    what: str,
    check: object,
    timeout: float,
    proc: subprocess.Popen[bytes] | None,
    log: Path | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{tail}")
        try:
            if check():  # type: ignore[operator]
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.2)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise TimeoutError(f"{what} not ready after {timeout:.0f}s\n{tail}")
