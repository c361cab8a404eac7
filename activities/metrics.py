"""The project's own worker metrics, recorded through the Temporal SDK's meter.

They land on the worker's Prometheus endpoint beside the SDK's `temporal_*` metrics, with the
activity meter's labels `namespace`, `task_queue` and `activity_type` added to ours. Outside a
worker that has a metrics runtime (unit tests, `ActivityEnvironment`, a direct call) the meter
is a no-op, so activities never depend on metrics being configured.

Counters end in `_total` (the Prometheus convention; the SDK's own counters do not); durations
are in milliseconds like the SDK's; cost is a float histogram because SDK counters only add
integers: `propertyaudit_llm_cost_usd_sum` is the money spent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from temporalio import activity
from temporalio.common import MetricMeter
from temporalio.exceptions import ApplicationError
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from config.logs import temporal_core_logging

LLM_CALLS = "propertyaudit_llm_calls_total"
LLM_TOKENS = "propertyaudit_llm_tokens_total"
LLM_COST = "propertyaudit_llm_cost_usd"
LLM_LATENCY = "propertyaudit_llm_answer_latency_ms"
AUDITS_STARTED = "propertyaudit_audits_started_total"
AUDITS_FINISHED = "propertyaudit_audits_finished_total"

# The SDK's default buckets (50 ms … 10 s) suit neither an LLM answer nor a price in dollars.
BUCKETS: dict[str, Sequence[float]] = {
    LLM_LATENCY: [250, 500, 1000, 2500, 5000, 10_000, 20_000, 30_000, 60_000, 120_000],
    LLM_COST: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
}

# ApplicationError.type (surfaces/errors.py and the parsers in activities/asking.py) → `status`.
STATUS_BY_ERROR_TYPE = {
    "RateLimited": "rate_limited",
    "ProviderUnavailable": "server_error",
    "ProviderTimeout": "timeout",
    "ProviderConnection": "connection_error",
    "AuthError": "auth",
    "PermissionDenied": "auth",
    "NotFound": "not_found",
    "BadRequest": "bad_request",
    "Unprocessable": "bad_request",
    "MalformedAnswer": "malformed",
    "AdapterError": "adapter_error",
}

log = logging.getLogger("propertyaudit.metrics")


def prometheus_runtime(host: str, port: int) -> Runtime | None:
    """A runtime that serves Prometheus metrics on host:port; None when port is 0 or taken.

    A taken port (a second worker on the same machine without its own WORKER_METRICS_PORT)
    costs that worker its metrics, with a warning, rather than stopping it from working.
    """
    if not port:
        return None
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        return Runtime(
            telemetry=TelemetryConfig(
                # LOG_FORMAT=json: the core's own warnings become JSON lines like the rest.
                logging=temporal_core_logging(),
                metrics=PrometheusConfig(bind_address=bind, histogram_bucket_overrides=BUCKETS),
            )
        )
    except ValueError as exc:  # "Failed starting Prometheus exporter: Address already in use"
        log.warning("metrics disabled: cannot serve Prometheus metrics on %s: %s", bind, exc)
        return None


def llm_status(error: BaseException | None) -> str:
    """The `status` label of an LLM call that ended with this error (None: it succeeded)."""
    if error is None:
        return "ok"
    if isinstance(error, asyncio.CancelledError):
        return "cancelled"
    if isinstance(error, ApplicationError):
        return STATUS_BY_ERROR_TYPE.get(error.type or "", "error")
    return "error"


def _meter() -> MetricMeter:
    try:
        return activity.metric_meter()
    except RuntimeError:  # not inside an activity
        return MetricMeter.noop


def llm_call(surface: str, error: BaseException | None = None) -> None:
    """Count one LLM call by its outcome."""
    _meter().create_counter(LLM_CALLS, "LLM calls by surface and outcome").add(
        1, {"surface": surface, "status": llm_status(error)}
    )


def llm_answer(
    surface: str, *, input_tokens: int, output_tokens: int, cost_usd: float, latency_ms: int
) -> None:
    """What an answered call cost (usable or not: the provider bills it either way)."""
    meter = _meter()
    tokens = meter.create_counter(LLM_TOKENS, "LLM tokens billed", "tokens")
    tokens.add(max(0, input_tokens), {"surface": surface, "kind": "input"})
    tokens.add(max(0, output_tokens), {"surface": surface, "kind": "output"})
    meter.create_histogram_float(LLM_COST, "cost of one LLM call", "USD").record(
        max(0.0, cost_usd), {"surface": surface}
    )
    meter.create_histogram(LLM_LATENCY, "time to an LLM answer", "ms").record(
        max(0, latency_ms), {"surface": surface}
    )


def audit_started() -> None:
    _meter().create_counter(AUDITS_STARTED, "audits that began running").add(1)


def audit_finished(status: str) -> None:
    """Count an audit that reached its final status (completed, partial, failed, cancelled)."""
    _meter().create_counter(AUDITS_FINISHED, "audits finished by final status").add(
        1, {"status": status}
    )
