"""Fault injection and the per-model requests-per-minute limit."""

from __future__ import annotations

import random
import time
from collections import deque

from llmsim.knobs import SimConfig


class RpmLimiter:
    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}

    def admit(self, model: str, rpm: int) -> float | None:
        """None when admitted, else the seconds until a slot frees up."""
        if rpm <= 0:
            return None
        now = time.monotonic()
        hits = self._hits.setdefault(model, deque())
        while hits and now - hits[0] >= 60.0:
            hits.popleft()
        if len(hits) >= rpm:
            return max(0.05, 60.0 - (now - hits[0]))
        hits.append(now)
        return None


def pick_fault(config: SimConfig, rng: random.Random) -> str | None:
    """One of rate_limit, error, malformed, slow, or None, drawn per request."""
    roll = rng.random()
    for name, rate in (
        ("rate_limit", config.rate_limit_rate),
        ("error", config.error_rate),
        ("malformed", config.malformed_rate),
        ("slow", config.slow_rate),
    ):
        if roll < rate:
            return name
        roll -= rate
    return None


def latency_s(config: SimConfig, rng: random.Random) -> float:
    mean = config.latency_ms / 1000
    if config.latency_jitter <= 0:
        return mean
    spread = mean * config.latency_jitter
    return max(0.0, rng.uniform(mean - spread, mean + spread))
