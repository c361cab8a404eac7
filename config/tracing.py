"""OpenTelemetry tracing, off unless TRACING_ENABLED=true: one trace from `POST /audits`
through both workflows to every LLM call and database statement.

Each process starts it once at its edge (`start_tracing` in api/main.py and worker.py) under its
role's `service.name` (api, worker, llm-<surface>); what it turned on is then wired in where the
process builds its parts: the FastAPI app (`trace_app`), each engine (`trace_engine`) and every
Temporal client (`tracing_interceptors`, in `connect_temporal`: its workers inherit it). The
Temporal interceptor carries the context in each workflow's and activity's headers, so the
workers' spans join the API's trace. The LLM SDKs' HTTP clients (httpx, and the httpx2 fork that
openai, anthropic and google-genai use) are instrumented process-wide.

Spans leave over OTLP/HTTP (protobuf) for `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else
`OTEL_EXPORTER_OTLP_ENDPOINT` + /v1/traces, else the collector on localhost:4318. The SDK reads
the rest of the standard variables (OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER[_ARG],
OTEL_RESOURCE_ATTRIBUTES) from the process environment itself; OTEL_SDK_DISABLED=true wins over
TRACING_ENABLED.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from opentelemetry import metrics, trace
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPX2ClientInstrumentor, HTTPXClientInstrumentor
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_NAMESPACE, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Interceptor
from temporalio.contrib.opentelemetry import TracingInterceptor

from config.settings import Settings
from contracts.names import TASK_QUEUE

log = logging.getLogger(__name__)

NAMESPACE = "propertyaudit"
DEFAULT_ENDPOINT = "http://localhost:4318"
# Probes and scrapes every few seconds are not worth a trace each.
UNTRACED_PATHS = "/healthz$,/readyz$,/metrics$"
HTTP_CLIENTS = (HTTPXClientInstrumentor, HTTPX2ClientInstrumentor)

# The process's provider while tracing runs; None: nothing is traced.
_provider: TracerProvider | None = None


def tracing_on(settings: Settings) -> bool:
    return settings.tracing_enabled and not settings.otel_sdk_disabled


def traces_endpoint(settings: Settings) -> str:
    """Where spans are posted, by the OTLP variables' precedence (the signal's own first)."""
    if settings.otel_exporter_otlp_traces_endpoint:
        return settings.otel_exporter_otlp_traces_endpoint
    base = settings.otel_exporter_otlp_endpoint or DEFAULT_ENDPOINT
    return base.rstrip("/") + "/v1/traces"


def worker_service(queues: set[str] | None) -> str:
    """A worker process's service.name: `worker` when it runs the workflows, else the LLM
    queues it polls (`llm-openai`, as docker compose and Kubernetes run one per surface)."""
    if queues is None or TASK_QUEUE in queues:
        return "worker"
    return "+".join(sorted(queues))


def start_tracing(
    settings: Settings, service: str, exporter: SpanExporter | None = None
) -> TracerProvider | None:
    """Turn tracing on for this process, as `service`; None when the settings leave it off.
    `exporter` replaces OTLP (the tests' in-memory one)."""
    global _provider
    if not tracing_on(settings):
        return None
    if _provider is not None:
        stop_tracing()
    resource = Resource.create({SERVICE_NAME: service, SERVICE_NAMESPACE: NAMESPACE})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(
        BatchSpanProcessor(exporter or OTLPSpanExporter(endpoint=traces_endpoint(settings)))
    )
    # Global too, for spans libraries make on their own (the anthropic SDK's call spans); the
    # API allows it once per process, which is all a real process needs.
    if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        trace.set_tracer_provider(provider)
    for instrumentor in HTTP_CLIENTS:
        instrumentor().instrument(tracer_provider=provider)
    _provider = provider
    where = traces_endpoint(settings) if exporter is None else type(exporter).__name__
    log.info("tracing on as %s, spans to %s", service, where)
    return provider


def stop_tracing() -> None:
    """Send the spans still buffered and turn tracing off (a worker leaves with os._exit)."""
    global _provider
    if _provider is None:
        return
    for instrumentor in HTTP_CLIENTS:
        instrumentor().uninstrument()
    _provider.shutdown()
    _provider = None


def tracing_interceptors() -> list[Interceptor]:
    """A Temporal client's interceptors: its calls, and its workers' workflows and activities,
    as spans that carry the trace across processes."""
    if _provider is None:
        return []
    return [TracingInterceptor(_provider.get_tracer("temporalio"))]


def trace_app(app: FastAPI) -> None:
    """A server span per request (not for the probes), the root of an audit's trace."""
    if _provider is None:
        return
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=_provider,
        excluded_urls=UNTRACED_PATHS,
        exclude_spans=["receive", "send"],  # one span per request, not one per ASGI message
    )


def trace_engine(engine: AsyncEngine) -> None:
    """Each statement on `engine` a span, inside the request or activity that runs it."""
    if _provider is None:
        return
    tracer = _InsideTraces(_provider.get_tracer("opentelemetry.instrumentation.sqlalchemy"))
    usage = metrics.get_meter(__name__).create_up_down_counter("db.client.connections.usage")
    EngineTracer(tracer, engine.sync_engine, usage)  # type: ignore[no-untyped-call]


class _InsideTraces:
    """Statements only as parts of a trace: the API's reconciler polls every 20 s, and each
    poll would otherwise be a trace of its own. (EngineTracer calls only `start_span`.)"""

    def __init__(self, tracer: trace.Tracer) -> None:
        self._tracer = tracer

    def start_span(
        self, name: str, context: Context | None = None, *args: Any, **kwargs: Any
    ) -> trace.Span:
        if not trace.get_current_span(context).get_span_context().is_valid:
            return trace.INVALID_SPAN
        return self._tracer.start_span(name, context, *args, **kwargs)
