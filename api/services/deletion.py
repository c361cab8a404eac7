"""Deleting a property while its audits may still be running."""

from __future__ import annotations

import asyncio
import time

from fastapi import HTTPException
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from api.services.schedules import delete_schedule
from contracts.status import FINAL_AUDIT_STATUSES
from db import audits
from db.models import Audit, Property

CLOSE_WAIT_S = 60.0


async def open_audits(session: AsyncSession, prop: Property) -> list[Audit]:
    rows = await session.scalars(
        select(Audit)
        .where(Audit.property_id == prop.id, Audit.status.not_in(FINAL_AUDIT_STATUSES))
        .options(selectinload(Audit.runs))
    )
    return list(rows.all())


async def _cancel(session: AsyncSession, temporal: Client, audit: Audit) -> None:
    try:
        await temporal.get_workflow_handle(audit.workflow_id).cancel()
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
        # No workflow behind the row (never started, or long gone): close it here.
        await audits.set_status(
            session,
            audit.id,
            "cancelled",
            run_ids=[r.id for r in audit.runs],
            error_message="cancelled: its property was deleted",
        )


async def _wait_closed(sessions: async_sessionmaker[AsyncSession], ids: list[object]) -> bool:
    deadline = time.monotonic() + CLOSE_WAIT_S
    while time.monotonic() < deadline:
        async with sessions() as fresh:
            still = await fresh.scalar(
                select(Audit.id)
                .where(Audit.id.in_(ids), Audit.status.not_in(FINAL_AUDIT_STATUSES))
                .limit(1)
            )
        if still is None:
            return True
        await asyncio.sleep(0.25)
    return False


async def delete_property_everywhere(
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
    temporal: Client,
    prop: Property,
    *,
    force: bool,
) -> None:
    """409 naming the running audits, unless `force`: then they are cancelled through Temporal
    and, once every one has closed, the property goes with its panel, history and schedule.
    Nothing is deleted when Temporal cannot be reached (503)."""
    running = await open_audits(session, prop)
    if running and not force:
        names = ", ".join(str(a.id) for a in running)
        raise HTTPException(
            status_code=409,
            detail=f"property {prop.id} has audits running ({names}); cancel them first, "
            "or delete with ?force=true to cancel them and wait",
        )
    try:
        if running:
            for audit in running:
                await _cancel(session, temporal, audit)
            await session.commit()  # rows closed here must be seen by the wait below
            if not await _wait_closed(sessions, [a.id for a in running]):
                raise HTTPException(
                    status_code=503,
                    detail="the property's audits are still closing; nothing was deleted, "
                    "try again in a minute",
                )
        await delete_schedule(temporal, prop.id)
    except RPCError as exc:
        raise HTTPException(
            status_code=503,
            detail="Temporal is unavailable, so the property's audits and schedule could "
            "not be stopped; nothing was deleted",
        ) from exc
    # The database cascades to queries, audits, runs, answers, citations and scores.
    await session.execute(delete(Property).where(Property.id == prop.id))
