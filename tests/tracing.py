"""Tracing turned on for one test as a process turns it on (config/tracing.py), the spans kept
in memory (`with traced() as spans: … spans.finished()`); and an OTLP/HTTP receiver for what
real processes send (`with otlp_receiver() as (endpoint, received): …`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Tracer

from config.settings import settings_from_environ
from config.tracing import start_tracing, stop_tracing


class Spans:
    def __init__(self, provider: TracerProvider, exporter: InMemorySpanExporter) -> None:
        self._provider = provider
        self._exporter = exporter

    def tracer(self) -> Tracer:
        """This test's own (the global provider is the first test's: it is set once)."""
        return self._provider.get_tracer("tests")

    def finished(self) -> list[ReadableSpan]:
        """Every span ended so far (the batch processor's queue flushed first)."""
        self._provider.force_flush()
        return list(self._exporter.get_finished_spans())

    def trace_of(self, root: ReadableSpan) -> list[ReadableSpan]:
        trace_id = root.context.trace_id
        return [s for s in self.finished() if s.context.trace_id == trace_id]


def children(spans: list[ReadableSpan], parent: ReadableSpan) -> list[ReadableSpan]:
    return [s for s in spans if s.parent is not None and s.parent.span_id == parent.context.span_id]


@contextmanager
def traced(service: str = "test") -> Iterator[Spans]:
    exporter = InMemorySpanExporter()
    settings = settings_from_environ({"TRACING_ENABLED": "true"})
    provider = start_tracing(settings, service, exporter)
    assert provider is not None
    try:
        yield Spans(provider, exporter)
    finally:
        stop_tracing()


@dataclass(frozen=True)
class Received:
    """A span as an OTLP collector got it, with the service.name of the process that sent it."""

    service: str
    span: Span

    @property
    def trace_id(self) -> bytes:
        return bytes(self.span.trace_id)


class _Receiver(BaseHTTPRequestHandler):
    spans: list[Received]

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ok = self.path == "/v1/traces" and self.headers["Content-Type"] == "application/x-protobuf"
        if ok:
            for rs in ExportTraceServiceRequest.FromString(body).resource_spans:
                names = {a.key: a.value.string_value for a in rs.resource.attributes}
                service = names.get("service.name", "")
                self.spans.extend(Received(service, s) for ss in rs.scope_spans for s in ss.spans)
        self.send_response(200 if ok else 400)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def otlp_receiver() -> Iterator[tuple[str, list[Received]]]:
    """An OTLP/HTTP collector's traces endpoint on loopback: (its base URL, what it got)."""
    received: list[Received] = []
    handler = type("Receiver", (_Receiver,), {"spans": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        thread.join(timeout=5)
