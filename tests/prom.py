"""Reading Prometheus text in tests: scrape an endpoint, add up the samples that match.

A parser of our own, because prometheus_client's renames counters to end in `_total`: tests
must see the names exactly as exposed.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import httpx

_LINE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
_ESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}


class Sample(NamedTuple):
    name: str
    labels: dict[str, str]
    value: float


def parse(text: str) -> list[Sample]:
    samples = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE.match(line.strip())
        assert match, f"not a Prometheus sample line: {line!r}"
        name, body, value = match.groups()
        labels = {
            key: re.sub(r"\\[\\\"n]", lambda m: _ESCAPES[m.group(0)], raw)
            for key, raw in _LABEL.findall(body or "")
        }
        samples.append(Sample(name, labels, float(value)))
    return samples


def scrape(url: str, headers: dict[str, str] | None = None) -> list[Sample]:
    response = httpx.get(url, headers=headers, timeout=10)
    response.raise_for_status()
    return parse(response.text)


def total(samples: list[Sample], name: str, **labels: str) -> float:
    """The sum of the samples called `name` whose labels include `labels`."""
    return sum(
        s.value
        for s in samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


def label_values(samples: list[Sample], name: str, label: str) -> set[str]:
    return {s.labels[label] for s in samples if s.name == name and label in s.labels}
