"""deploy/grafana/propertyaudit.json: a dashboard Grafana loads, with the panels the README
promises, whose every query names metrics (and labels) the code really exports."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import activities.metrics as worker_metrics
from api.metrics import ApiMetrics
from tests.production.promql import (
    FUNCTIONS,
    HISTOGRAM_SUFFIXES,
    SDK_HISTOGRAMS,
    SDK_LABELS,
    Query,
    project_metrics,
    sdk_metrics,
)

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD_PATH = ROOT / "deploy" / "grafana" / "propertyaudit.json"
DASHBOARD: dict[str, Any] = json.loads(DASHBOARD_PATH.read_text())
# The five, by title: (the metric, the labels it must be split by).
REQUIRED = {
    "LLM calls by outcome": ("propertyaudit_llm_calls_total", {"surface", "status"}),
    "LLM cost per day": ("propertyaudit_llm_cost_usd_sum", {"surface"}),
    "LLM answer latency percentiles": ("propertyaudit_llm_answer_latency_ms_bucket", {"le"}),
    "Schedule-to-start latency per task queue (p95)": (
        "temporal_activity_schedule_to_start_latency_bucket",
        {"task_queue", "le"},
    ),
    "Audits by status": ("propertyaudit_audits", {"status"}),
}
SDK_ONLY_LABELS = {"worker_type", "poller_type"}


def panels() -> list[dict[str, Any]]:
    return [p for p in DASHBOARD["panels"] if p["type"] != "row"]


def queries() -> Iterator[tuple[str, str]]:
    """(where, PromQL) for every panel target and every query variable."""
    for panel in panels():
        for target in panel["targets"]:
            yield f"panel {panel['title']!r} {target['refId']}", target["expr"]
    for variable in DASHBOARD["templating"]["list"]:
        if variable["type"] == "query":
            yield f"variable {variable['name']}", variable["definition"]


class _Recorder:
    """A stand-in for the SDK's meter: which labels each project metric is recorded with."""

    def __init__(self) -> None:
        self.labels: dict[str, set[str]] = {}

    def _instrument(self, name: str, *_: object) -> Any:
        recorder = self

        class Instrument:
            def add(self, _value: object, attributes: dict[str, str] | None = None) -> None:
                recorder.labels.setdefault(name, set()).update(attributes or {})

            record = set = add

        return Instrument()

    create_counter = create_histogram = create_histogram_float = _instrument
    create_histogram_timedelta = create_gauge = create_gauge_float = _instrument


def known_labels(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """Metric name as exported → the labels it carries."""
    recorder = _Recorder()
    monkeypatch.setattr(worker_metrics, "_meter", lambda: recorder)
    worker_metrics.llm_call("openai", None)
    worker_metrics.llm_answer(
        "openai", input_tokens=1, output_tokens=1, cost_usd=0.01, latency_ms=10
    )
    worker_metrics.audit_started()
    worker_metrics.audit_finished("completed")
    labels: dict[str, set[str]] = {}
    for name, recorded in recorder.labels.items():
        for exported in (name, *(name + s for s in HISTOGRAM_SUFFIXES)):
            labels[exported] = (
                recorded | SDK_LABELS | ({"le"} if exported.endswith("_bucket") else set())
            )
    api = ApiMetrics()
    for metric in (api.requests, api.duration, api.audits_started, api.audits):
        names = set(metric._labelnames)  # prometheus_client keeps them there
        for suffix in ("", "_total", *HISTOGRAM_SUFFIXES):
            labels[metric._name + suffix] = names | ({"le"} if suffix == "_bucket" else set())
    for name in sdk_metrics():
        labels[name] = (
            SDK_LABELS | SDK_ONLY_LABELS | ({"le"} if name.endswith("_bucket") else set())
        )
    return labels


def test_the_dashboard_is_grafana_json() -> None:
    assert DASHBOARD["uid"] == "propertyaudit" and DASHBOARD["title"]
    assert isinstance(DASHBOARD["schemaVersion"], int) and DASHBOARD["schemaVersion"] >= 36
    ids = [p["id"] for p in DASHBOARD["panels"]]
    assert len(ids) == len(set(ids))
    datasource = [v for v in DASHBOARD["templating"]["list"] if v["type"] == "datasource"]
    assert [v["query"] for v in datasource] == ["prometheus"]
    taken: set[tuple[int, int]] = set()
    for panel in DASHBOARD["panels"]:
        grid = panel["gridPos"]
        assert 0 <= grid["x"] and grid["x"] + grid["w"] <= 24, panel["title"]
        cells = {(x, y) for x in range(grid["x"], grid["x"] + grid["w"])
                 for y in range(grid["y"], grid["y"] + grid["h"])}  # fmt: skip
        assert not cells & taken, f"{panel['title']} overlaps another panel"
        taken |= cells
    for panel in panels():
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert panel["targets"], panel["title"]
        refs = [t["refId"] for t in panel["targets"]]
        assert len(refs) == len(set(refs)), panel["title"]


def test_the_required_panels_are_there() -> None:
    by_title = {p["title"]: [Query(t["expr"]) for t in p["targets"]] for p in panels()}
    for title, (metric, split_by) in REQUIRED.items():
        assert title in by_title, f"no panel {title!r}"
        assert any(metric in q.metrics and split_by <= q.labels for q in by_title[title]), title
    cost = next(p for p in panels() if p["title"] == "LLM cost per day")
    assert "[1d]" in cost["targets"][0]["expr"]  # dollars per day, not per scrape interval
    quantiles = {
        float(q) for t in next(p for p in panels() if "percentiles" in p["title"])["targets"]
        for q in re.findall(r"histogram_quantile\(([0-9.]+)", t["expr"])
    }  # fmt: skip
    assert {0.5, 0.95, 0.99} <= quantiles


def test_every_query_names_metrics_and_labels_the_code_exports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exported = set(project_metrics()) | sdk_metrics()
    labels = known_labels(monkeypatch)
    assert "propertyaudit_llm_calls_total" in exported  # the definitions were found
    for where, expr in queries():
        query = Query(expr)
        assert query.metrics, f"{where}: no metric in {expr}"
        assert query.metrics <= exported, f"{where}: not exported: {query.metrics - exported}"
        assert query.functions <= FUNCTIONS, f"{where}: {query.functions - FUNCTIONS}"
        allowed = set().union(*(labels.get(m, set()) for m in query.metrics))
        assert query.labels <= allowed, f"{where}: no such label {query.labels - allowed}"


def test_an_unknown_metric_would_be_caught() -> None:
    query = Query('sum by (surface) (rate(propertyaudit_llm_call_total{surface="x"}[5m]))')
    assert query.metrics == {"propertyaudit_llm_call_total"}
    assert query.metrics - (set(project_metrics()) | sdk_metrics())


@pytest.mark.slow
def test_the_sdk_metrics_the_dashboard_uses_are_what_a_worker_serves() -> None:
    """A real worker on the dev server, its Prometheus endpoint scraped: the SDK's names."""
    from tests.production.sdk_scrape import scrape_worker

    samples = asyncio.run(scrape_worker(timedelta(seconds=30)))
    served = {s.name for s in samples}
    used = {m for _, expr in queries() for m in Query(expr).metrics if m.startswith("temporal_")}
    assert used and used <= served, used - served
    assert {h + "_bucket" for h in SDK_HISTOGRAMS} & served
    for name in used:
        for sample in (s for s in samples if s.name == name):
            assert {"task_queue", "namespace"} <= set(sample.labels), sample
