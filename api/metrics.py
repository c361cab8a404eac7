"""`GET /metrics` on the API port: requests, audits started here, audits in the database.

The worker serves the Temporal SDK's metrics and the LLM and audit counters on its own port
(activities/metrics.py); these are what only the API sees. Every app has its own registry, so
apps made in tests do not share counts.

/metrics counts every organisation's audits, so it needs the admin key when one is configured.
A scraper can send it as `X-API-Key` (Prometheus `http_headers`) or as
`Authorization: Bearer <key>` (what Prometheus sends from `authorization: {credentials: …}`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Annotated

import prometheus_client
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import AdminDep
from api.middleware import HttpMiddleware
from db.models import Audit

AUDIT_STATUSES = ("queued", "running", "paused", "completed", "partial", "failed", "cancelled")
HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "(unmatched)"  # one label for every path no route knows: scanners cannot add series

# Counters without their `_created` twin: half the series, nothing a dashboard reads.
prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]
log = logging.getLogger("propertyaudit.api")


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "propertyaudit_api_requests",
            "HTTP requests by method, route template and status code",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "propertyaudit_api_request_duration_seconds",
            "time to answer an HTTP request, by method and route template",
            ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.audits_started = Counter(
            "propertyaudit_api_audits_started",
            "audits started by the API or the dashboard (idempotent repeats not counted), by mode",
            ["mode"],
            registry=self.registry,
        )
        self.audits = Gauge(
            "propertyaudit_audits",
            "audits in the database by status, read at scrape time (the same in every replica)",
            ["status"],
            registry=self.registry,
        )

    async def read_audits(self, request: Request) -> None:
        """One grouped count per scrape; with the database down the gauge is left out."""
        try:
            async with request.app.state.sessions() as session:
                rows = await asyncio.wait_for(
                    session.execute(select(Audit.status, func.count()).group_by(Audit.status)),
                    timeout=3,
                )
                counts = {status: int(n) for status, n in rows.all()}
        except Exception as exc:  # noqa: BLE001 - a scrape must not fail with the database
            log.warning("metrics: audits by status unavailable: %s", exc)
            self.audits.clear()
            return
        for status in (*AUDIT_STATUSES, *(s for s in counts if s not in AUDIT_STATUSES)):
            self.audits.labels(status=status).set(counts.get(status, 0))


class MetricsMiddleware(HttpMiddleware):
    """Counts every HTTP request by the template of the route that answered it."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        super().__init__(app)
        self.metrics = metrics

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        status = 500  # what the client gets when the app raises before answering

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_status)
        finally:
            # The router records the matched route in the scope it was handed (this one).
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            method = scope["method"] if scope["method"] in HTTP_METHODS else "OTHER"
            self.metrics.requests.labels(method=method, route=route, status=str(status)).inc()
            self.metrics.duration.labels(method=method, route=route).observe(
                time.perf_counter() - started
            )


def get_metrics(request: Request) -> ApiMetrics:
    metrics: ApiMetrics = request.app.state.metrics
    return metrics


MetricsDep = Annotated[ApiMetrics, Depends(get_metrics)]


router = APIRouter()


@router.get("/metrics", include_in_schema=False)
async def metrics_endpoint(request: Request, metrics: MetricsDep, _: AdminDep) -> Response:
    """Counts across every organisation: the admin key only (or no key configured)."""
    await metrics.read_audits(request)
    return Response(
        prometheus_client.generate_latest(metrics.registry),
        media_type=prometheus_client.CONTENT_TYPE_LATEST,
    )


def install_metrics(app: FastAPI) -> None:
    """Count the app's requests and serve GET /metrics."""
    metrics = ApiMetrics()
    app.state.metrics = metrics
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.include_router(router)
