"""`propertyaudit migrate`: bring the database to the newest schema from the installed package
(no checkout, no alembic.ini). The compose `migrate` one-shot and the Kubernetes Job run it; the
Kubernetes pods wait with `propertyaudit migrate --check` until the Job is done."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

import typer
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from config.logs import configure_logging
from config.settings import Settings
from db.engine import Pool, make_engine
from db.migrate import alembic_config, upgrade_head

ONE = Pool(size=1, overflow=0)


def migrate(
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Change nothing: exit 0 if the database is at the newest schema, 1 if not.",
        ),
    ] = False,
    wait: Annotated[
        float,
        typer.Option(help="Seconds to wait for the database to accept connections."),
    ] = 60.0,
) -> None:
    """Upgrade the database (DATABASE_URL) to the newest schema; safe to run again."""
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    url = settings.database_url
    error = asyncio.run(wait_for_database(url, wait))
    if error:
        typer.echo(f"the database did not answer within {wait:g} s: {error}", err=True)
        raise typer.Exit(1)
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if check:
        current = asyncio.run(current_revisions(url))
        typer.echo(f"database at {', '.join(sorted(current)) or 'no revision'}; newest {head}")
        raise typer.Exit(0 if current == {head} else 1)
    upgrade_head(url)
    typer.echo(f"database at {head}")


async def wait_for_database(url: str, wait_s: float) -> str:
    """'' once the database answers; the last error if it never did within `wait_s`."""
    deadline = time.monotonic() + wait_s
    engine = make_engine(url, ONE)
    try:
        while True:
            try:
                async with engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
                return ""
            except (OSError, DBAPIError) as exc:
                if time.monotonic() >= deadline:
                    return str(exc).splitlines()[0]
            await asyncio.sleep(1)
    finally:
        await engine.dispose()


async def current_revisions(url: str) -> set[str]:
    engine = make_engine(url, ONE)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(_heads))
    finally:
        await engine.dispose()


def _heads(connection: Connection) -> tuple[str, ...]:
    return MigrationContext.configure(connection).get_current_heads()
