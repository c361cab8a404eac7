"""One workflow and one activity through a real worker whose runtime serves Prometheus metrics,
then its /metrics read: the names and labels the Temporal SDK itself exports."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from temporalio import activity, workflow
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from cli.ports import free_port
from cli.stack import temporal_cli
from tests.prom import Sample, parse

QUEUE = "sdk-metrics"


@activity.defn
async def echo(text: str) -> str:
    return text


@workflow.defn
class EchoWorkflow:
    @workflow.run
    async def run(self) -> str:
        return await workflow.execute_activity(
            echo, "hi", start_to_close_timeout=timedelta(seconds=10)
        )


async def scrape_worker(timeout: timedelta) -> list[Sample]:
    port = free_port()
    runtime = Runtime(
        telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=f"127.0.0.1:{port}"))
    )
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(), runtime=runtime, dev_server_log_level="error"
    )
    try:
        async with Worker(
            env.client,
            task_queue=QUEUE,
            workflows=[EchoWorkflow],
            activities=[echo],
            workflow_runner=UnsandboxedWorkflowRunner(),
        ):
            await env.client.execute_workflow(
                EchoWorkflow.run,
                id=f"sdk-metrics-{uuid.uuid4()}",
                task_queue=QUEUE,
                execution_timeout=timeout,
            )
            async with httpx.AsyncClient(timeout=10) as http:
                response = await http.get(f"http://127.0.0.1:{port}/metrics")
            response.raise_for_status()
            return parse(response.text)
    finally:
        await env.shutdown()
