"""What a dashboard's PromQL names, and what the code exports: the two sides of
tests/production/test_grafana.py.

The exported side is read from the code's own metric definitions: every `create_counter(…)`,
`create_histogram…(…)`, `create_gauge…(…)` on the Temporal SDK's meter and every
prometheus_client `Counter(…)`, `Gauge(…)`, `Histogram(…)`, `Summary(…)` in the project's
packages, with the suffixes each kind gets in the text format.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("activities", "api", "workflows", "surfaces", "db", "config", "llmsim")

# The Temporal SDK's own worker metrics a dashboard may use (docs.temporal.io/references/
# sdk-metrics; these names and their labels were read from a worker's /metrics with SDK 1.35,
# and the slow test below reads them again from a real worker).
SDK_HISTOGRAMS = {
    "temporal_activity_execution_latency",
    "temporal_activity_schedule_to_start_latency",
    "temporal_activity_succeed_endtoend_latency",
    "temporal_workflow_endtoend_latency",
    "temporal_workflow_task_execution_latency",
    "temporal_workflow_task_replay_latency",
    "temporal_workflow_task_schedule_to_start_latency",
    "temporal_request_latency",
    "temporal_long_request_latency",
}
SDK_SCALARS = {
    "temporal_activity_task_received",
    "temporal_num_pollers",
    "temporal_request",
    "temporal_long_request",
    "temporal_sticky_cache_hit",
    "temporal_sticky_cache_size",
    "temporal_worker_start",
    "temporal_worker_task_slots_available",
    "temporal_worker_task_slots_used",
    "temporal_workflow_completed",
    "temporal_workflow_task_queue_poll_succeed",
}
# Labels the SDK puts on its metrics and on the project's (recorded through its meter).
SDK_LABELS = {"namespace", "task_queue", "service_name", "activity_type", "workflow_type"}

_SDK_DEF = re.compile(
    r"create_(counter|gauge|gauge_float|histogram|histogram_float|histogram_timedelta)\(\s*"
    r"(\"[a-z_:]+\"|[A-Z_][A-Z0-9_]*)"
)
_CLIENT_DEF = re.compile(r"\b(Counter|Gauge|Histogram|Summary)\(\s*\"([a-z_:]+)\"")
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def _resolve(module: str, token: str) -> str:
    if token.startswith('"'):
        return token.strip('"')
    value: str = getattr(importlib.import_module(module), token)
    return value


def _sdk_names(kind: str, name: str) -> set[str]:
    if kind.startswith("histogram"):
        return {name + s for s in HISTOGRAM_SUFFIXES}
    return {name}  # the SDK exports counters and gauges under their own name


def _client_names(kind: str, name: str) -> set[str]:
    if kind == "Counter":
        return {name.removesuffix("_total") + "_total"}  # `_created` is turned off (api/metrics)
    if kind == "Histogram":
        return {name + s for s in HISTOGRAM_SUFFIXES}
    if kind == "Summary":
        return {name, name + "_sum", name + "_count"}
    return {name}


def project_metrics() -> dict[str, set[str]]:
    """Every metric name the project's code exports → the file(s) that define it."""
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text()
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            names: set[str] = set()
            for kind, token in _SDK_DEF.findall(text):
                names |= _sdk_names(kind, _resolve(module, token))
            for kind, name in _CLIENT_DEF.findall(text):
                names |= _client_names(kind, name)
            for name in names:
                found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def sdk_metrics() -> set[str]:
    histograms = {name + s for name in SDK_HISTOGRAMS for s in HISTOGRAM_SUFFIXES}
    return histograms | SDK_SCALARS


# PromQL: functions and aggregations the dashboard may call, and words that are not metrics.
FUNCTIONS = {
    "sum", "avg", "max", "min", "count", "topk", "bottomk", "quantile", "rate", "irate",
    "increase", "delta", "histogram_quantile", "clamp_min", "clamp_max", "abs", "round",
    "label_values", "vector", "scalar", "sort", "sort_desc", "time",
}  # fmt: skip
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
            "offset", "bool"}  # fmt: skip
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_MATCHERS = re.compile(r"\{([^}]*)\}")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)")
_RANGE = re.compile(r"\[[^\]]*\]")
_WORD = re.compile(r"(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?")


class Query:
    """The metric names, label names and functions one PromQL expression uses."""

    def __init__(self, expr: str) -> None:
        self.expr = expr
        self.labels: set[str] = set()
        text = re.sub(r"\$\{?\w+\}?", "", expr)  # Grafana variables ($__rate_interval, …)
        for body in _MATCHERS.findall(_STRING.sub('""', text)):
            self.labels |= {m.split("=")[0].strip().rstrip("!~") for m in body.split(",") if m}
        text = _MATCHERS.sub("", _STRING.sub("", text))
        for body in _GROUPING.findall(text):
            self.labels |= {label.strip() for label in body.split(",") if label.strip()}
        text = _RANGE.sub("", _GROUPING.sub("", text))
        self.metrics: set[str] = set()
        self.functions: set[str] = set()
        for word, call in _WORD.findall(text):
            if call:
                self.functions.add(word)
            elif word not in KEYWORDS:
                self.metrics.add(word)
        if "label_values" in self.functions:  # label_values(metric, label): the label is no metric
            args = re.search(r"label_values\(\s*(\w+)\s*,\s*(\w+)\s*\)", expr)
            assert args, expr
            self.metrics.discard(args.group(2))
            self.labels.add(args.group(2))
