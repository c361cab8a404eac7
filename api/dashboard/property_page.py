"""The property page as a response, and the same page after a refused form (422 with what to fix
next to that form, nothing of the request kept)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.auth import Caller
from api.dashboard.forms import audit_defaults, profile_values
from api.dashboard.property_view import property_view, schedule_view
from api.dashboard.templating import render
from api.lookups import property_or_404
from config.settings import Settings
from db.models import Property
from geo.panel import QUERY_TYPES


async def property_page_response(
    request: Request,
    session: AsyncSession,
    settings: Settings,
    temporal: Client,
    prop: Property,
    *,
    status_code: int = 200,
    problem: Mapping[str, list[str]] | None = None,
    values: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The property page; after a refused form, with what to fix next to that form."""
    response = render(
        request,
        "property.html",
        status_code,
        v=await property_view(session, settings, prop),
        sched=await schedule_view(temporal, prop.id),
        problem=problem or {},
        values=values or {},
        profile=(values or {}).get("profile") or profile_values(prop=prop),
        defaults=audit_defaults(settings),
        query_types=QUERY_TYPES,
        idempotency_key=secrets.token_urlsafe(18),
        flash=request.session.pop("flash", None),
    )
    response.headers.update(headers or {})
    return response


async def refused(
    request: Request,
    session: AsyncSession,
    settings: Settings,
    temporal: Client,
    caller: Caller,
    property_id: uuid.UUID,
    section: str,
    messages: list[str],
    status_code: int = 422,
    values: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The page again, the refused form's section saying why; nothing of the request kept."""
    await session.rollback()
    prop = await property_or_404(session, property_id, caller)
    return await property_page_response(
        request,
        session,
        settings,
        temporal,
        prop,
        status_code=status_code,
        problem={section: messages},
        values=values,
        headers=headers,
    )
