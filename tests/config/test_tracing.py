"""Tracing's switch, its endpoint, each process's name, and what it instruments: the API's
requests, an engine's statements (inside a trace only), and spans reaching an OTLP receiver."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import httpx2
from fastapi import FastAPI
from opentelemetry.trace import SpanKind
from sqlalchemy import text

from config.settings import settings_from_environ
from config.tracing import (
    start_tracing,
    stop_tracing,
    trace_app,
    trace_engine,
    traces_endpoint,
    tracing_interceptors,
    worker_service,
)
from db.engine import make_engine
from tests.api.conftest import _serving
from tests.production.compose import REQUIRED, compose, workers
from tests.tracing import children, otlp_receiver, traced


def test_off_by_default_and_then_nothing_is_instrumented() -> None:
    settings = settings_from_environ({})
    assert settings.tracing_enabled is False
    assert start_tracing(settings, "api") is None
    assert tracing_interceptors() == []
    app = FastAPI()
    trace_app(app)
    assert not getattr(app, "_is_instrumented_by_opentelemetry", False)


def test_otel_sdk_disabled_wins_over_tracing_enabled() -> None:
    settings = settings_from_environ({"TRACING_ENABLED": "true", "OTEL_SDK_DISABLED": "true"})
    assert start_tracing(settings, "api") is None


def test_the_endpoint_follows_the_otlp_variables() -> None:
    assert traces_endpoint(settings_from_environ({})) == "http://localhost:4318/v1/traces"
    base = settings_from_environ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"})
    assert traces_endpoint(base) == "http://collector:4318/v1/traces"
    own = settings_from_environ(
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://traces.example.com/otlp",
        }
    )
    assert traces_endpoint(own) == "https://traces.example.com/otlp"


def test_each_worker_process_is_named_for_its_role() -> None:
    assert worker_service(None) == "worker"
    assert worker_service({"property-audit"}) == "worker"
    assert worker_service({"property-audit", "llm-openai"}) == "worker"
    assert worker_service({"llm-openai"}) == "llm-openai"
    assert worker_service({"llm-openai", "llm-claude"}) == "llm-claude+llm-openai"


def test_a_temporal_client_gets_the_interceptor_only_while_tracing_runs() -> None:
    with traced():
        [interceptor] = tracing_interceptors()
        assert type(interceptor).__name__ == "TracingInterceptor"
    assert tracing_interceptors() == []


async def test_statements_are_spans_inside_a_trace_and_nothing_outside(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'traced.db'}")
    try:
        with traced() as spans:
            trace_engine(engine)
            async with engine.begin() as conn:
                await conn.execute(text("CREATE TABLE notes (body TEXT)"))  # no trace: no span
                with spans.tracer().start_as_current_span("request") as request:
                    await conn.execute(text("INSERT INTO notes (body) VALUES ('hello')"))
            finished = spans.finished()
    finally:
        await engine.dispose()
    [root] = [s for s in finished if s.name == "request"]
    [insert] = [s for s in finished if s is not root]  # nothing from CREATE TABLE
    assert insert.name.startswith("INSERT") and insert in children(finished, root)
    assert insert.kind == SpanKind.CLIENT
    assert insert.context.trace_id == request.get_span_context().trace_id
    assert str((insert.attributes or {}).get("db.statement")).startswith("INSERT INTO notes")


def test_each_api_request_is_a_server_span_but_the_probes(tmp_path: Path) -> None:
    with traced("api") as spans:
        with _serving(f"sqlite+aiosqlite:///{tmp_path / 'api.db'}") as client:
            assert client.get("/healthz").status_code == 200
            assert client.get("/properties").status_code == 200
        finished = spans.finished()
    [request] = [s for s in finished if s.kind == SpanKind.SERVER]
    assert request.name == "GET /properties" and request.parent is None
    assert (request.attributes or {}).get("http.route") == "/properties"
    assert request.resource.attributes["service.name"] == "api"
    assert request.resource.attributes["service.namespace"] == "propertyaudit"
    statements = children(finished, request)
    assert statements and all(s.name.startswith("SELECT") for s in statements)


def test_spans_reach_the_otlp_endpoint_from_the_environment_when_tracing_stops() -> None:
    with otlp_receiver() as (endpoint, received):
        settings = settings_from_environ(
            {"TRACING_ENABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint}
        )
        provider = start_tracing(settings, "llm-openai")
        assert provider is not None
        try:
            with provider.get_tracer("test").start_as_current_span("activity"):
                # httpx, and httpx2 (the LLM SDKs' transport): each request a client span.
                httpx.get(f"{endpoint}/ping")
                httpx2.get(f"{endpoint}/ping")
        finally:
            stop_tracing()  # what a worker does before it leaves: the batch is sent now
    [activity] = [r for r in received if r.span.name == "activity"]
    assert activity.service == "llm-openai"
    requests = [r.span for r in received if r.span.name == "GET"]
    assert len(requests) == 2
    assert all(s.parent_span_id == activity.span.span_id for s in requests)


def test_docker_compose_forwards_tracing_to_the_api_and_every_worker() -> None:
    switched = {"TRACING_ENABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel:4318"}
    done = compose("--profile", "simulator", "config", "--format", "json", env=REQUIRED | switched)
    assert done.returncode == 0, done.stderr
    services = json.loads(done.stdout)["services"]
    for name in ("api", *workers()):
        env = services[name]["environment"]
        assert {k: env[k] for k in switched} == switched, name
        assert env["OTEL_TRACES_SAMPLER"] == "parentbased_always_on", name
    off = json.loads(compose("config", "--format", "json", env=REQUIRED).stdout)["services"]
    assert off["api"]["environment"]["TRACING_ENABLED"] == "false"
