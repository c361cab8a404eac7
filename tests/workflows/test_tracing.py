"""One audit, one trace: from the API's `POST /audits` through both workflows to every LLM call
and every answer written. The API app, a Temporal client and the workers are built as
api/main.py and worker.py build them, with tracing on, against the real dev server, the real
simulator and a real database; the spans are kept in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind
from temporalio.runtime import Runtime, TelemetryConfig
from temporalio.testing import WorkflowEnvironment

import worker
from api.main import create_app
from config.settings import Settings
from config.temporal import connect_temporal
from config.tracing import trace_engine
from contracts.names import TASK_QUEUE, llm_task_queue
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade_head_async
from tests.factories import new_property
from tests.llmsim.conftest import SimServer, sim, sim_server
from tests.tracing import Spans, children, traced
from tests.workflows.steering import eventually

__all__ = ["sim", "sim_server"]
QUESTIONS = ["best apartments in San Diego", "pet friendly apartments near Balboa Park"]
# Each span's parent, from the request down to the call that buys an answer. The interceptor's
# RunWorkflow spans are markers without duration beside a workflow's calls: those hang from the
# span that started the workflow, whose context the workflow carries.
CHAIN = [
    "POST /audits",
    "StartWorkflow:PropertyAudit",
    "StartChildWorkflow:SurfaceRun",
    "StartActivity:ask_and_record",
    "RunActivity:ask_and_record",
]


def settings_for(env: WorkflowEnvironment, database_url: str, sim: SimServer) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        temporal_address=env.client.service_client.config.target_host,
        database_url=database_url,
        llmsim_url=sim.url,
        llm_backend="simulator",
        default_surfaces=["openai"],
        tracing_enabled=True,
    )


async def run_audit(settings: Settings, api: httpx.AsyncClient, property_id: str) -> str:
    started = await api.post("/audits", json={"property_id": property_id})
    assert started.status_code == 202, started.text
    audit_id: str = started.json()["audit_id"]

    async def completed() -> bool:
        state = (await api.get(f"/audits/{audit_id}")).json()
        assert state["status"] not in ("failed", "cancelled"), state
        return bool(state["status"] == "completed")

    await eventually("the audit completes", completed, timeout=60)
    return audit_id


@pytest.fixture
async def spans() -> AsyncIterator[Spans]:
    with traced() as kept:
        yield kept


async def test_one_trace_runs_from_post_audits_to_every_llm_call_and_answer_written(
    workflow_env: WorkflowEnvironment, sim: SimServer, database_url: str, spans: Spans
) -> None:
    settings = settings_for(workflow_env, database_url, sim)
    await upgrade_head_async(database_url)
    engine = make_engine(database_url)
    trace_engine(engine)  # as worker.py does
    sessions = make_sessionmaker(engine)
    property_id = await new_property(sessions, QUESTIONS)
    app = create_app(settings)
    try:
        async with AsyncExitStack() as stack:
            # A runtime of its own: the SDK runs one worker per task queue per runtime.
            client = await connect_temporal(settings, runtime=Runtime(telemetry=TelemetryConfig()))
            queues = {TASK_QUEUE, llm_task_queue("openai")}
            workers, adapters = worker.build_workers(client, settings, queues, sessions)
            for each in workers:
                await stack.enter_async_context(each)
            for adapter in adapters:
                stack.push_async_callback(adapter.close)
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app)
            api = await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://api")
            )
            await run_audit(settings, api, str(property_id))
    finally:
        await engine.dispose()

    [root] = [s for s in spans.finished() if s.name == "POST /audits"]
    assert root.kind == SpanKind.SERVER and root.parent is None
    tree = spans.trace_of(root)
    by_id = {s.context.span_id: s for s in tree}
    # A tree: every span but the request's has its parent in the same trace.
    assert all(s.parent is not None and s.parent.span_id in by_id for s in tree if s is not root)
    names = {s.name: s for s in tree}
    for run, start in (("PropertyAudit", CHAIN[1]), ("SurfaceRun", CHAIN[2])):
        assert ancestry(names[f"RunWorkflow:{run}"], by_id)[-2] == start
    asks = [s for s in tree if s.name == CHAIN[-1]]
    assert len(asks) == len(QUESTIONS)
    for ask in asks:
        assert ancestry(ask, by_id) == CHAIN
        below = children(tree, ask)
        [call] = [s for s in below if s.kind == SpanKind.CLIENT and s.name == "POST"]
        assert url_of(call).startswith(sim.url), call.attributes
    # The answers are written inside the activities that bought them (answers that arrive
    # together may be written together, under one of them).
    writes = [s for s in tree if statement_of(s).startswith("INSERT INTO answers")]
    assert writes
    for write in writes:
        assert write.kind == SpanKind.CLIENT
        assert ancestry(write, by_id)[: len(CHAIN)] == CHAIN
    # Both workflows' own database work is in the trace too, each under its activity.
    for activity, parent in (("load_audit_plan", CHAIN[1]), ("finish_run", CHAIN[2])):
        ran = names[f"RunActivity:{activity}"]
        assert ancestry(ran, by_id)[-3] == parent
        assert any(statement_of(s).startswith("UPDATE") for s in children(tree, ran)), activity


def ancestry(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[str]:
    """The names from the trace's root down to `span`."""
    names = [span.name]
    while span.parent is not None:
        span = by_id[span.parent.span_id]
        names.append(span.name)
    return names[::-1]


def url_of(span: ReadableSpan) -> str:
    attributes = span.attributes or {}
    return str(attributes.get("url.full") or attributes.get("http.url") or "")


def statement_of(span: ReadableSpan) -> str:
    attributes = span.attributes or {}
    return str(attributes.get("db.statement") or attributes.get("db.query.text") or "")
