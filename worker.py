"""The worker: workflows and database activities, and one LLM task queue per surface.

python worker.py                         # everything
python worker.py --queues property-audit # workflows and database activities only
python worker.py --queues llm-openai     # only OpenAI calls

With WORKER_BUILD_ID set, the worker is a version of the `WORKER_DEPLOYMENT_NAME` Worker
Deployment and every audit stays pinned to the version that started it (README, "Changing
workflow code safely").
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.worker import (
    UnsandboxedWorkflowRunner,
    Worker,
    WorkerDeploymentConfig,
    WorkflowRunner,
)
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from activities.answering import AnsweringActivities
from activities.asking import AskingActivities
from activities.batch import BatchActivities
from activities.digest import DigestActivities
from activities.insights import InsightsActivities
from activities.metrics import prometheus_runtime
from activities.planning import PlanningActivities
from activities.recording import RecordingActivities, unusable_charger
from activities.rescoring import RescoringActivities
from config.logs import configure_logging
from config.preflight import UnusableSurface, check_surfaces
from config.settings import Settings
from config.temporal import connect_temporal, ensure_search_attributes
from config.tracing import start_tracing, stop_tracing, trace_engine, worker_service
from contracts.names import TASK_QUEUE, llm_task_queue
from db.engine import make_engine, make_sessionmaker, pool_of
from geo.notify import Links
from surfaces.base import Surface
from surfaces.config import SurfaceConfig
from surfaces.factory import build_surface
from workflows.digest import WeeklyDigestWorkflow
from workflows.property_audit import PropertyAuditWorkflow
from workflows.rescore import RescoreWorkflow
from workflows.surface_run import SurfaceRunWorkflow

log = logging.getLogger("propertyaudit.worker")


def deployment(settings: Settings) -> WorkerDeploymentConfig | None:
    """This build as a version of the Worker Deployment, audits pinned to the build that
    started them; None (unversioned) without WORKER_BUILD_ID."""
    if not settings.worker_build_id:
        return None
    return WorkerDeploymentConfig(
        version=WorkerDeploymentVersion(
            deployment_name=settings.worker_deployment_name, build_id=settings.worker_build_id
        ),
        use_worker_versioning=True,
        default_versioning_behavior=VersioningBehavior.PINNED,
    )


def workflow_runner(settings: Settings) -> WorkflowRunner:
    """The SDK's sandbox unless WORKFLOW_SANDBOX=false. It re-imports each workflow's module for
    every new workflow and crosses into itself (an `exec`) for every payload: about a quarter
    of the workflow worker's CPU. Production turns it off; every test and replay keeps it, so
    a non-deterministic call still fails before it ships."""
    return SandboxedWorkflowRunner() if settings.workflow_sandbox else UnsandboxedWorkflowRunner()


def graceful(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.graceful_shutdown_s)


def workflow_worker(
    client: Client, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> Worker:
    """The workflows and every database activity they call."""
    planning = PlanningActivities(
        sessions,
        # Each audit may keep every replica of a surface's LLM workers busy (LLM_WORKERS_<S>).
        settings.planned_surfaces(),
        chunk_size=settings.surface_chunk_size,
        history_budget=settings.surface_history_budget,
    )
    recording = RecordingActivities(sessions)
    batch = BatchActivities(sessions)
    links = Links(
        settings.propertyaudit_api_url, settings.temporal_ui_url, settings.temporal_namespace
    )
    insights = InsightsActivities(sessions, settings.egress, links)
    digest = DigestActivities(sessions, settings.egress, links)
    rescoring = RescoringActivities(sessions)
    return Worker(
        client,
        task_queue=TASK_QUEUE,
        workflows=[
            PropertyAuditWorkflow,
            SurfaceRunWorkflow,
            RescoreWorkflow,
            WeeklyDigestWorkflow,
        ],
        activities=[
            planning.load_audit_plan,
            planning.open_audit,
            recording.start_run,
            recording.set_run_paused,
            recording.record_answer,
            recording.record_query_error,
            recording.finish_run,
            batch.set_audit_status,
            batch.set_audit_paused,
            batch.complete_batch,
            insights.analyze_batch,
            insights.store_summary,
            insights.check_alerts,
            insights.send_alert,
            rescoring.rescore_page,
            rescoring.rescore_run,
            rescoring.reanalyze_audit,
            digest.build_digest,
            digest.send_digest,
        ],
        max_concurrent_activities=64,
        workflow_runner=workflow_runner(settings),
        graceful_shutdown_timeout=graceful(settings),
        deployment_config=deployment(settings),
    )


def llm_worker(
    client: Client,
    settings: Settings,
    config: SurfaceConfig,
    adapter: Surface,
    sessions: async_sessionmaker[AsyncSession],
) -> Worker:
    """One surface's calls, on its own queue; it stores the answers it buys."""
    asking = AskingActivities(
        adapter,
        simulated=config.simulator,
        pricing=config.pricing,
        charge_unusable=unusable_charger(sessions),
    )
    answering = AnsweringActivities(asking, sessions)
    log.info(
        "surface %s: model %s via %s (concurrency %d, rps %s)",
        config.name,
        config.model,
        "simulator" if config.simulator else "live API",
        config.max_concurrency,
        config.max_rps or "unlimited",
    )
    return Worker(
        client,
        task_queue=llm_task_queue(config.name),
        activities=[
            answering.ask_and_record,
            answering.extract_and_record,
            asking.ask_natural,
            asking.summarize_batch,
        ],
        max_concurrent_activities=config.max_concurrency,
        # Server-side and global for the queue: the provider's limit across all workers.
        max_task_queue_activities_per_second=config.max_rps or None,
        # Longer than an LLM call (LLM_TIMEOUT_S): a restart lets the calls in flight finish
        # instead of buying them again on another worker.
        graceful_shutdown_timeout=graceful(settings),
        deployment_config=deployment(settings),
    )


def build_workers(
    client: Client,
    settings: Settings,
    queues: set[str] | None,
    sessions: async_sessionmaker[AsyncSession],
) -> tuple[list[Worker], list[Surface]]:
    workers: list[Worker] = []
    adapters: list[Surface] = []
    if queues is None or TASK_QUEUE in queues:
        workers.append(workflow_worker(client, settings, sessions))
    for config in settings.surface_configs().values():
        if queues is not None and llm_task_queue(config.name) not in queues:
            continue
        adapter = build_surface(config)
        adapters.append(adapter)
        workers.append(llm_worker(client, settings, config, adapter, sessions))
    return workers, adapters


async def main(queues: set[str] | None) -> None:
    settings = Settings()
    await check_surfaces(settings, queues)
    # Before the engine and the client, which it instruments (TRACING_ENABLED; else nothing).
    start_tracing(settings, worker_service(queues))
    engine = make_engine(settings.database_url, pool_of(settings), pre_ping=False)
    trace_engine(engine)
    sessions = make_sessionmaker(engine)
    # One runtime per process, before the first client: SDK and project metrics on one port.
    runtime = prometheus_runtime(settings.worker_metrics_host, settings.worker_metrics_port)
    if runtime is not None:
        log.info(
            "metrics on http://%s:%d/metrics",
            settings.worker_metrics_host,
            settings.worker_metrics_port,
        )
    client = await connect_temporal(settings, runtime=runtime)
    added = await ensure_search_attributes(client, settings.temporal_namespace)
    if added:
        log.info("registered search attributes: %s", ", ".join(added))
    workers, adapters = build_workers(client, settings, queues, sessions)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tasks = [asyncio.create_task(w.run()) for w in workers]
    log.info("worker polling %s", ", ".join(w.task_queue for w in workers))
    await stop.wait()
    log.info("shutting down")
    await asyncio.gather(*(w.shutdown() for w in workers), return_exceptions=True)
    await asyncio.gather(*tasks, return_exceptions=True)
    for adapter in adapters:
        await adapter.close()
    await engine.dispose()
    stop_tracing()  # the last spans, before run() leaves with os._exit


def parse_args(argv: list[str] | None = None) -> set[str] | None:
    parser = argparse.ArgumentParser(description="PropertyAudit Temporal worker")
    parser.add_argument(
        "--queues",
        default="",
        help="comma list of task queues to poll (default: all); e.g. property-audit,llm-claude",
    )
    args = parser.parse_args(argv)
    return {q.strip() for q in args.queues.split(",") if q.strip()} or None


def known_queues(settings: Settings) -> set[str]:
    """Every task queue this worker can poll: workflows, and one per configured surface."""
    return {TASK_QUEUE, *(llm_task_queue(name) for name in settings.surface_configs())}


def run() -> None:
    """`propertyaudit-worker [--queues …]` (the console script) and `python worker.py`."""
    queues = parse_args()
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    unknown = sorted((queues or set()) - known_queues(settings))
    if unknown:
        # A typo would otherwise leave a worker polling nothing, forever, looking healthy.
        raise SystemExit(f"unknown task queue(s): {', '.join(unknown)}")
    try:
        asyncio.run(main(queues))
    except UnusableSurface as exc:
        raise SystemExit(str(exc)) from None
    # The Temporal bridge's threads can outlive interpreter shutdown (sdk-python#300) and end a
    # clean stop with a fatal error in the log: everything is closed, so leave at once.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    run()
