"""The simulator's state between requests: its knobs, its random draws and what it counted."""

from __future__ import annotations

import hashlib
import random
from collections import Counter, deque
from typing import Any

from llmsim.faults import RpmLimiter
from llmsim.knobs import SimConfig

COUNTERS = (
    "by_api",
    "by_model",
    "by_status",
    "by_surface",
    "by_surface_status",
    "by_kind",
    "by_fault",
    "hung_up_by_kind",
    "by_location",
)
# The asker's locations heard, newest last: enough for any test, bounded for a long run.
LOCATIONS_KEPT = 1000


class SimState:
    """One simulator's knobs and counters; `/_sim/stats` shows the counters."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        # One generator for the whole server, so a seed replays the same run of faults.
        self.rng = random.Random(config.seed)
        self.rpm = RpmLimiter()
        self.reset_stats()

    def reset_stats(self) -> None:
        self.total = 0
        self.hung_up = 0
        # Requests being answered now, and the most at once, per surface.
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        # Fingerprints (never the keys) of the credentials clients sent, to prove a key was used.
        self.key_fingerprints: set[str] = set()
        self.counters: dict[str, Counter[str]] = {name: Counter() for name in COUNTERS}
        self.locations: deque[dict[str, Any]] = deque(maxlen=LOCATIONS_KEPT)

    def enter(self, surface: str) -> None:
        self.in_flight[surface] += 1
        self.max_in_flight[surface] = max(self.max_in_flight[surface], self.in_flight[surface])

    def leave(self, surface: str) -> None:
        self.in_flight[surface] = max(0, self.in_flight[surface] - 1)

    def saw_credential(self, credential: str) -> None:
        if credential:
            self.key_fingerprints.add(hashlib.sha256(credential.encode()).hexdigest()[:12])

    def count(self, api: str, model: str, surface: str, status: int) -> None:
        """One answered request, whatever its status."""
        self.total += 1
        self.counters["by_api"][api] += 1
        self.counters["by_model"][model] += 1
        self.counters["by_status"][str(status)] += 1
        self.counters["by_surface"][surface] += 1
        self.counters["by_surface_status"][f"{surface}:{status}"] += 1

    def count_fault(self, fault: str) -> None:
        self.counters["by_fault"][fault] += 1

    def count_hang_up(self, kind: str) -> None:
        """An answered request whose caller had already gone (a client timeout or a cancel)."""
        self.hung_up += 1
        self.counters["hung_up_by_kind"][kind] += 1

    def heard_location(
        self,
        api: str,
        surface: str,
        via: list[str],
        parameter: dict[str, Any] | None,
        stated: str | None,
    ) -> None:
        """Where one request put the asker's location (`via`: the parameter's kind and/or
        `in_question`) and what it said there."""
        for kind in via:
            self.counters["by_location"][kind] += 1
        self.locations.append(
            {"api": api, "surface": surface, "via": via, "parameter": parameter, "stated": stated}
        )

    def count_kind(self, kind: str) -> None:
        self.counters["by_kind"][kind] += 1

    def stats(self) -> dict[str, Any]:
        return {
            "requests": self.total,
            "answered_after_hang_up": self.hung_up,
            **{name: dict(counter) for name, counter in self.counters.items()},
            "max_in_flight": dict(self.max_in_flight),
            "locations": list(self.locations),
            "key_fingerprints": sorted(self.key_fingerprints),
        }
