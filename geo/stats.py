"""Small statistics for answers that are samples of a model's behaviour."""

from __future__ import annotations

from math import sqrt


def wilson_interval(successes: float, n: int, z: float = 1.959964) -> tuple[float, float] | None:
    """95% Wilson score interval for a proportion, as fractions; None without trials.
    `successes` may be fractional (a sum of per-cluster rates)."""
    if n <= 0:
        return None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)
