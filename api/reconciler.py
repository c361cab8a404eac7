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
from api.services.starting import start_workflow
from db.models import Audit, Property, Run, utcnow

log = logging.getLogger("propertyaudit.api")


async def reconcile_once(
    sessions: async_sessionmaker[AsyncSession], temporal: Client, queued_for: timedelta
) -> int:
    """Start every audit queued longer than `queued_for` whose workflow does not exist (a start
    takes milliseconds: such an audit was never started); how many were started."""
    async with sessions() as session:
        stale = (
            await session.scalars(
                select(Audit)
                .where(Audit.status == "queued", Audit.created_at < utcnow() - queued_for)
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


async def reconcile_forever(
    sessions: async_sessionmaker[AsyncSession],
    temporal: Client,
    *,
    every: timedelta,
    queued_for: timedelta,
) -> None:
    while True:
        await asyncio.sleep(every.total_seconds())
        try:
            await reconcile_once(sessions, temporal, queued_for)
        except Exception as exc:  # noqa: BLE001 - Temporal or the database away: next round
            level = logging.DEBUG if temporal_unreachable(exc) else logging.WARNING
            log.log(level, "reconciling queued audits: %s", exc)
