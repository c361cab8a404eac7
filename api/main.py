"""The FastAPI app: `uvicorn api.main:app`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from api.auth import authenticate
from api.dashboard.install import install_dashboard
from api.errors import install_error_handlers
from api.guards import RequestGuard
from api.metrics import install_metrics
from api.ratelimit import PaidWorkLimiter
from api.reconciler import reconcile_forever
from api.routers import (
    answers,
    audits,
    competitors,
    digests,
    health,
    insights,
    orgs,
    panel,
    portfolio,
    properties,
    queries,
    recommendations,
    reports,
    rescoring,
    runs,
    schedules,
    segments,
    trends,
)
from api.schemas import ERROR_RESPONSES
from config.logs import configure_logging
from config.settings import Settings
from config.temporal import connect_temporal
from config.tracing import start_tracing, trace_app, trace_engine
from db.engine import make_engine, make_sessionmaker, pool_of

log = logging.getLogger("propertyaudit.api")
ROUTERS = (
    properties,
    panel,
    schedules,
    trends,
    recommendations,
    queries,
    audits,
    insights,
    reports,
    runs,
    rescoring,
    orgs,
    competitors,
    portfolio,
    digests,
    answers,
    segments,
)


class MissingApiKey(RuntimeError):
    """Production without PROPERTYAUDIT_API_KEY: the API would be open to anyone."""


def check_exposure(settings: Settings) -> None:
    """Refuse to serve production without a key; warn loudly in development."""
    if settings.propertyaudit_api_key is not None:
        return
    if settings.propertyaudit_env == "production":
        raise MissingApiKey(
            "PROPERTYAUDIT_ENV=production and PROPERTYAUDIT_API_KEY is not set: refusing to "
            "start an API anyone could use (set a long random key)"
        )
    log.warning(
        "PROPERTYAUDIT_API_KEY is not set: the API is OPEN, anyone who reaches this port can "
        "read, change and delete every property and start paid audits. Fine on a laptop; "
        "set the key (and PROPERTYAUDIT_ENV=production) anywhere else."
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    check_exposure(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, pool_of(settings))
        trace_engine(engine)
        app.state.settings = settings
        app.state.sessions = make_sessionmaker(engine)
        app.state.paid_limiter = PaidWorkLimiter(
            settings.rate_limit_paid, settings.rate_limit_storage
        )
        # Lazy: the API starts (and /healthz answers) even while Temporal is still coming up.
        app.state.temporal = await connect_temporal(settings, lazy=True)
        reconciler = asyncio.create_task(
            reconcile_forever(
                app.state.sessions,
                app.state.temporal,
                every=timedelta(seconds=settings.reconcile_every_s),
                queued_for=timedelta(seconds=settings.reconcile_after_s),
            )
        )
        yield
        reconciler.cancel()
        with suppress(asyncio.CancelledError):
            await reconciler
        await engine.dispose()

    app = FastAPI(
        title="PropertyAudit",
        version="0.2.0",
        description="Durable GEO audits of a property's visibility in AI assistants' answers.",
        lifespan=lifespan,
        # Served below behind the same key as the API (the schema is no one else's business).
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health.router)
    protected = [Depends(authenticate)]
    for module in ROUTERS:
        app.include_router(module.router, dependencies=protected, responses=ERROR_RESPONSES)

    @app.get("/openapi.json", include_in_schema=False, dependencies=protected)
    async def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False, dependencies=protected)
    async def docs(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="PropertyAudit API")

    install_dashboard(app, settings)
    install_metrics(app)
    # Outermost, so an oversized body is refused before anything reads it.
    app.add_middleware(RequestGuard, max_bytes=settings.max_request_bytes)
    trace_app(app)  # with tracing on: each request the root of its trace
    return app


def _app_from_environment() -> FastAPI:
    """`uvicorn api.main:app`: settings and logging from the environment. uvicorn imports this
    module after configuring its own loggers and before its first line ("Started server
    process"), so with LOG_FORMAT=json every line it writes is JSON too."""
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    start_tracing(settings, "api")
    return create_app(settings)


app = _app_from_environment()
