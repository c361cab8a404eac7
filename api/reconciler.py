"""Audits left `queued` with no workflow behind them (the API died between storing an audit and
starting it): started, once Temporal answers, so no audit waits forever."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from api.errors import temporal_unreachable
from api.services.audits import start_workflow
from db.models import Audit, Property, Run, utcnow

log = logging.getLogger("propertyaudit.api")
EVERY = timedelta(seconds=20)
# A start takes milliseconds; an audit queued this long without a workflow was never started.
QUEUED_FOR = timedelta(seconds=30)


async def reconcile_once(sessions: async_sessionmaker[AsyncSession], temporal: Client) -> int:
    """Start every stale queued audit whose workflow does not exist; how many were started."""
    async with sessions() as session:
        stale = (
            await session.scalars(
                select(Audit)
                .where(Audit.status == "queued", Audit.created_at < utcnow() - QUEUED_FOR)
                .options(selectinload(Audit.runs).selectinload(Run.score))
                .limit(100)
            )
        ).all()
        started = 0
        for audit in stale:
            try:
                await temporal.get_workflow_handle(audit.workflow_id).describe()
                continue  # it exists: its first activity will move the row on
            except RPCError as exc:
                if exc.status != RPCStatusCode.NOT_FOUND:
                    raise
            prop = await session.get(Property, audit.property_id)
            if prop is None:
                continue
            await start_workflow(temporal, audit, prop, paused=False)
            log.info("started audit %s, left queued without its workflow", audit.id)
            started += 1
    return started


async def reconcile_forever(sessions: async_sessionmaker[AsyncSession], temporal: Client) -> None:
    while True:
        await asyncio.sleep(EVERY.total_seconds())
        try:
            await reconcile_once(sessions, temporal)
        except Exception as exc:  # noqa: BLE001 - Temporal or the database away: next round
            level = logging.DEBUG if temporal_unreachable(exc) else logging.WARNING
            log.log(level, "reconciling queued audits: %s", exc)
