"""Errors of the backing services, answered as what they are: 503, never 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from temporalio.service import RPCError

log = logging.getLogger("propertyaudit.api")


def temporal_unreachable(exc: BaseException) -> bool:
    """Temporal could not be reached: an RPC error, or a lazy client that never connected."""
    return isinstance(exc, RPCError) or (
        isinstance(exc, RuntimeError) and "Failed client connect" in str(exc)
    )


def temporal_down() -> HTTPException:
    """A call to Temporal failed in a way the client can only retry."""
    return HTTPException(status_code=503, detail="Temporal is unavailable; try again")


def _unavailable(service: str, exc: Exception) -> JSONResponse:
    # The service (or the network to it) is down: nothing the client did wrong.
    log.warning("%s is unavailable: %s", service, exc)
    return JSONResponse(
        {"detail": f"{service} is unavailable; try again shortly"},
        status_code=503,
        headers={"Retry-After": "5"},
    )


def install_error_handlers(app: FastAPI) -> None:
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
    async def database_down(_: Request, exc: Exception) -> JSONResponse:
        return _unavailable("the database", exc)

    @app.exception_handler(DataError)
    async def database_refused(_: Request, exc: DataError) -> JSONResponse:
        # A value the schema let through and the database refused (length, encoding): the
        # request's fault, said without the database's own words.
        log.warning("database refused a value: %s", exc.orig)
        return JSONResponse(
            {"detail": "a value of the request cannot be stored (too long or malformed)"},
            status_code=422,
        )

    @app.exception_handler(RPCError)
    @app.exception_handler(RuntimeError)
    async def temporal_error(_: Request, exc: Exception) -> JSONResponse:
        if not temporal_unreachable(exc):
            raise exc
        return _unavailable("Temporal", exc)
