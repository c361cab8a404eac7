"""Tracing across real processes: the API, the workflow worker and each surface's LLM worker
(as docker compose and Kubernetes run them) send their spans over OTLP/HTTP, each under its own
service.name, and one audit's spans are one trace."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from cli.stack import Stack, side_by_side_env
from tests.stack import RunningStack
from tests.tracing import Received, otlp_receiver

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def traced_stack(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Stack, list[Received]]]:
    tmp: Path = tmp_path_factory.mktemp("traced-stack")
    with otlp_receiver() as (endpoint, received):
        env = side_by_side_env(
            f"sqlite+aiosqlite:///{tmp / 'propertyaudit.db'}",
            TRACING_ENABLED="true",
            OTEL_EXPORTER_OTLP_ENDPOINT=endpoint,
            OTEL_BSP_SCHEDULE_DELAY="200",  # ms: the test reads the spans soon after
            DEFAULT_SURFACES="openai",
        )
        stack = Stack(env, data_dir=tmp, temporal_db=False, worker_by_role=True)
        try:
            stack.start()
            yield stack, received
        finally:
            stack.stop()


def one_audit(stack: Stack) -> tuple[str, int]:
    """An audit of the example property's panel: its id, and how many questions it asked."""
    with (
        httpx.Client(base_url=stack.api_url, timeout=30) as api,
        httpx.Client(base_url=stack.settings.llmsim_url, timeout=10) as sim,
    ):
        live = RunningStack(stack=stack, api=api, sim=sim)
        prop = live.new_property()
        started = api.post("/audits", json={"property_id": prop["id"]})
        assert started.status_code == 202, started.text
        audit_id: str = started.json()["audit_id"]
        assert live.wait_audit(audit_id)["status"] == "completed"
        return audit_id, int(prop["panel"]["total"])


def test_one_audit_is_one_trace_across_the_api_and_every_worker(
    traced_stack: tuple[Stack, list[Received]],
) -> None:
    stack, received = traced_stack
    audit_id, questions = one_audit(stack)
    [root] = [
        r
        for r in received
        if r.span.name == "POST /audits" and r.service == "api" and not r.span.parent_span_id
    ]

    def trace() -> list[Received]:
        return [r for r in received if r.trace_id == root.trace_id]

    def orphans() -> list[tuple[str, str]]:
        known = {bytes(r.span.span_id) for r in trace()}
        return [
            (r.service, r.span.name)
            for r in trace()
            if r is not root and bytes(r.span.parent_span_id) not in known
        ]

    # Each process sends a span when it ends, within its batch delay: a parent (an activity
    # still running when its statements end) can come after its children.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        names = {r.span.name for r in trace()}
        if "RunActivity:complete_batch" in names and not orphans():
            break
        time.sleep(0.2)
    assert not orphans(), orphans()  # one tree: every span's parent is in the trace
    spans = trace()
    services = {r.span.name: r.service for r in spans}
    assert services["StartWorkflow:PropertyAudit"] == "api"
    assert services["RunWorkflow:PropertyAudit"] == "worker"
    assert services["RunActivity:load_audit_plan"] == "worker"
    asks = [r for r in spans if r.span.name == "RunActivity:ask_and_record"]
    assert len(asks) == questions and {r.service for r in asks} == {"llm-openai"}
    asked = {bytes(r.span.span_id) for r in asks}
    for ask in asks:
        below = [r for r in spans if r.span.parent_span_id == ask.span.span_id]
        assert any(r.span.name == "POST" for r in below), "the LLM call"
    writes = [r for r in spans if statement_of(r.span).startswith("INSERT INTO answers")]
    assert writes and all(bytes(r.span.parent_span_id) in asked for r in writes)
    assert {r.service for r in writes} == {"llm-openai"}
    [start] = [r.span for r in spans if r.span.name == "StartWorkflow:PropertyAudit"]
    workflow = {a.key: a.value.string_value for a in start.attributes}
    assert workflow["temporalWorkflowID"] == f"audit-{audit_id}"


def statement_of(span: Span) -> str:
    return next((a.value.string_value for a in span.attributes if a.key == "db.statement"), "")
