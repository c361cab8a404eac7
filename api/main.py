"""The FastAPI app: `uvicorn api.main:app`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from api.deps import require_api_key
from api.metrics import install_metrics
from api.routers import (
    audits,
    health,
    insights,
    properties,
    queries,
    recommendations,
    reports,
    rescoring,
    runs,
    schedules,
    trends,
)
from api.schemas import ERROR_RESPONSES
from config.logs import configure_logging
from config.settings import Settings
from config.temporal import connect_temporal
from db.engine import make_engine, make_sessionmaker

log = logging.getLogger("propertyaudit.api")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        app.state.settings = settings
        app.state.sessions = make_sessionmaker(engine)
        # Lazy: the API starts (and /healthz answers) even while Temporal is still coming up.
        app.state.temporal = await connect_temporal(settings, lazy=True)
        yield
        await engine.dispose()

    app = FastAPI(
        title="PropertyAudit",
        version="0.1.0",
        description="Durable GEO audits of a property's visibility in AI assistants' answers.",
        lifespan=lifespan,
    )

    @app.exception_handler(IntegrityError)
    async def integrity_error(_: Request, exc: IntegrityError) -> JSONResponse:
        return JSONResponse(
            {"detail": "the request conflicts with stored data (duplicate or missing reference)"},
            status_code=409,
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(OSError)
    @app.exception_handler(TimeoutError)
    async def unavailable(_: Request, exc: Exception) -> JSONResponse:
        # The database (or the network to it) is down: nothing the client did wrong.
        log.warning("backing service unavailable: %s", exc)
        return JSONResponse(
            {"detail": "the database is unavailable; try again shortly"},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    app.include_router(health.router)
    protected = [Depends(require_api_key)]
    for module in (
        properties,
        schedules,
        trends,
        recommendations,
        queries,
        audits,
        insights,
        reports,
        runs,
        rescoring,
    ):
        app.include_router(module.router, dependencies=protected, responses=ERROR_RESPONSES)
    install_metrics(app)
    return app


def _app_from_environment() -> FastAPI:
    """`uvicorn api.main:app`: settings and logging from the environment. uvicorn imports this
    module after configuring its own loggers and before its first line ("Started server
    process"), so with LOG_FORMAT=json every line it writes is JSON too."""
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    return create_app(settings)


app = _app_from_environment()
