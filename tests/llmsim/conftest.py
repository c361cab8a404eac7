"""An in-process simulator on a real port, for tests that speak HTTP to it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from cli.ports import free_port
from llmsim.knobs import SimConfig
from llmsim.server import create_app


class SimServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(SimConfig()), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def configure(self, **knobs: object) -> None:
        # Generous: the server shares this process's GIL, and a loaded machine slows it.
        httpx.post(f"{self.url}/_sim/config", json=knobs, timeout=30).raise_for_status()

    def stats(self) -> dict[str, object]:
        return dict(httpx.get(f"{self.url}/_sim/stats", timeout=30).json())


@pytest.fixture(scope="session")
def sim_server() -> Iterator[SimServer]:
    sim = SimServer()
    sim.thread.start()
    deadline = time.monotonic() + 10
    while not sim.server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield sim
    sim.server.should_exit = True
    sim.thread.join(timeout=5)


@pytest.fixture
def sim(sim_server: SimServer) -> Iterator[SimServer]:
    """The shared simulator, reset to quiet defaults around each test."""
    defaults = SimConfig().model_dump()
    sim_server.configure(**defaults)
    httpx.post(f"{sim_server.url}/_sim/stats/reset", timeout=30)
    yield sim_server
    sim_server.configure(**defaults)
