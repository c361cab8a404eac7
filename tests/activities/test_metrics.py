"""The worker's own metrics, through a real SDK runtime scraped like Prometheus would."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterator

import httpx2
import openai
import pytest
from temporalio.exceptions import ApplicationError
from temporalio.runtime import Runtime
from temporalio.testing import ActivityEnvironment

from activities import metrics
from activities.asking import AskingActivities
from activities.batch import BatchActivities
from activities.planning import PlanningActivities
from cli.ports import free_port
from config.settings import Settings
from contracts.asking import AnswerRequest
from contracts.audit import CompleteBatchInput, LoadPlanInput, RunOutcome, SetStatusInput
from contracts.status import AuditStatus, RunStatus
from surfaces.base import Completion
from tests.factories import (
    ANSWER,
    PRICES,
    ScriptedSurface,
    Sessions,
    answer_request,
    one_question_audit,
)
from tests.prom import scrape, total


@pytest.fixture
def metered() -> Iterator[tuple[ActivityEnvironment, str]]:
    """An activity environment whose meter is a real runtime's, and that runtime's /metrics."""
    port = free_port()
    runtime = metrics.prometheus_runtime("127.0.0.1", port)
    assert runtime is not None
    env = ActivityEnvironment()
    env.metric_meter = runtime.metric_meter
    yield env, f"http://127.0.0.1:{port}/metrics"


def ask(surface: str = "openai") -> AnswerRequest:
    return answer_request(str(uuid.uuid4()), str(uuid.uuid4()), surface=surface)


def test_status_labels() -> None:
    assert metrics.llm_status(None) == "ok"
    assert metrics.llm_status(asyncio.CancelledError()) == "cancelled"
    assert metrics.llm_status(ApplicationError("x", type="RateLimited")) == "rate_limited"
    assert metrics.llm_status(ApplicationError("x", type="ProviderUnavailable")) == "server_error"
    assert metrics.llm_status(ApplicationError("x", type="MalformedAnswer")) == "malformed"
    assert metrics.llm_status(ApplicationError("x", type="AuthError")) == "auth"
    assert metrics.llm_status(ApplicationError("x", type="Surprise")) == "error"
    assert metrics.llm_status(ValueError("x")) == "error"


def test_every_error_type_of_the_mapping_has_a_status() -> None:
    from contracts.errors import NON_RETRYABLE_TYPES

    assert set(NON_RETRYABLE_TYPES) <= set(metrics.STATUS_BY_ERROR_TYPE)


def test_port_zero_is_off_and_a_taken_port_only_costs_the_metrics(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert metrics.prometheus_runtime("127.0.0.1", 0) is None
    port = free_port()
    first = metrics.prometheus_runtime("127.0.0.1", port)  # kept: it holds the port
    assert isinstance(first, Runtime)
    with caplog.at_level(logging.WARNING, "propertyaudit.metrics"):
        assert metrics.prometheus_runtime("127.0.0.1", port) is None
    assert "metrics disabled" in caplog.text


async def test_outside_a_worker_metrics_are_a_noop() -> None:
    metrics.llm_call("openai")  # not in an activity at all
    metrics.audit_finished("completed")
    surface = ScriptedSurface([Completion(text=ANSWER, model="gpt-test", input_tokens=5)])
    result = await ActivityEnvironment().run(AskingActivities(surface).ask_structured, ask())
    assert result.block.ordered_entities[0].name == "AMLI Aero"


async def test_each_llm_call_is_counted_once_by_outcome(
    metered: tuple[ActivityEnvironment, str],
) -> None:
    env, url = metered
    request = httpx2.Request("POST", "https://api.openai.com/v1/chat/completions")
    answered = [
        Completion(text=ANSWER, model="gpt-test", input_tokens=1200, output_tokens=300),
        Completion(text="no json here", model="gpt-test", input_tokens=1000, output_tokens=50),
    ]
    surface = ScriptedSurface(
        [
            answered[0],
            answered[1],
            openai.APITimeoutError(request=request),
            openai.RateLimitError(
                "slow down", response=httpx2.Response(429, request=request), body=None
            ),
        ]
    )
    acts = AskingActivities(surface, pricing=PRICES)
    await env.run(acts.ask_structured, ask())
    for expected in ("MalformedAnswer", "ProviderTimeout", "RateLimited"):
        with pytest.raises(ApplicationError) as err:
            await env.run(acts.ask_structured, ask())
        assert err.value.type == expected

    samples = scrape(url)
    calls = "propertyaudit_llm_calls_total"
    for status in ("ok", "malformed", "timeout", "rate_limited"):
        assert total(samples, calls, surface="openai", status=status) == 1, status
    assert total(samples, calls) == 4
    # The activity meter's own labels come along.
    assert total(samples, calls, activity_type="unknown", task_queue="test") == 4
    # Both answered calls were billed, the unusable one too.
    tokens = "propertyaudit_llm_tokens_total"
    assert total(samples, tokens, surface="openai", kind="input") == 2200
    assert total(samples, tokens, surface="openai", kind="output") == 350
    spent = sum(PRICES.cost_usd(c.input_tokens, c.output_tokens) for c in answered)
    assert spent == pytest.approx((2200 * 2.0 + 350 * 10.0) / 1e6)
    assert total(samples, "propertyaudit_llm_cost_usd_sum") == pytest.approx(spent)
    assert total(samples, "propertyaudit_llm_cost_usd_count") == 2
    assert total(samples, "propertyaudit_llm_answer_latency_ms_count", surface="openai") == 2
    buckets = {s.labels["le"] for s in samples if s.name.endswith("latency_ms_bucket")}
    assert {"250", "60000", "+Inf"} <= buckets  # the project's buckets, not the SDK's


async def test_audits_are_counted_once_however_often_activities_retry(
    metered: tuple[ActivityEnvironment, str], sessions: Sessions
) -> None:
    env, url = metered
    planning = PlanningActivities(sessions, Settings().surface_configs())
    batch = BatchActivities(sessions)

    audit_id, property_id, run_id = await one_question_audit(sessions)
    plan = LoadPlanInput(
        audit_id=audit_id, property_id=property_id, surfaces=["openai"], run_ids={"openai": run_id}
    )
    done = CompleteBatchInput(
        audit_id=audit_id,
        outcomes=[RunOutcome(surface="openai", run_id=run_id, status=RunStatus.COMPLETED)],
    )
    for _ in range(2):  # an activity retried after it had already written
        await env.run(planning.load_audit_plan, plan)
        await env.run(batch.complete_batch, done)

    cancelled, _, cancelled_run = await one_question_audit(sessions)
    close = SetStatusInput(
        audit_id=cancelled, status=AuditStatus.CANCELLED, run_ids=[cancelled_run]
    )
    for _ in range(2):
        await env.run(batch.set_audit_status, close)
    # A later, different final status for a closed audit changes nothing and counts nothing.
    await env.run(batch.set_audit_status, close.model_copy(update={"status": "failed"}))

    samples = scrape(url)
    assert total(samples, "propertyaudit_audits_started_total") == 1
    finished = "propertyaudit_audits_finished_total"
    assert total(samples, finished, status="completed") == 1
    assert total(samples, finished, status="cancelled") == 1
    assert total(samples, finished) == 2
