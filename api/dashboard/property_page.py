"""The property page as the routes under /app/properties/{id} use it: the property looked up once
(a dependency), the page shown, the page again after a refused form (422 or the service's status,
with what to fix next to that form and nothing of the request kept), and back to the page after a
form went through."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.auth import Caller
from api.dashboard.access import ViewerDep
from api.dashboard.digest_view import WEEKDAYS, digest_view
from api.dashboard.forms import (
    FORM_ERRORS,
    Refusal,
    audit_defaults,
    back_to,
    flash,
    parse_id,
    problems,
    profile_values,
)
from api.dashboard.property_view import property_view, schedule_view
from api.dashboard.templating import render
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.lookups import property_or_404
from config.settings import Settings
from db.models import Property
from geo.panel import QUERY_TYPES

# What a form's action answers when it went through: the message to flash on the way back to
# its section, or a response of its own (a started audit sends the browser to the audit).
Outcome = str | Response


@dataclass(frozen=True)
class PropertyPage:
    """One request's property page: what every route under /app/properties/{id} needs."""

    request: Request
    session: AsyncSession
    settings: Settings
    temporal: Client
    caller: Caller
    prop: Property

    async def show(
        self,
        *,
        status_code: int = 200,
        problem: Mapping[str, list[str]] | None = None,
        values: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        """The property page; after a refused form, with what to fix next to that form."""
        response = render(
            self.request,
            "property.html",
            status_code,
            v=await property_view(self.session, self.settings, self.prop),
            sched=await schedule_view(self.temporal, self.prop.id),
            digest=await digest_view(self.temporal, self.settings, self.prop),
            weekdays=WEEKDAYS,
            problem=problem or {},
            values=values or {},
            profile=(values or {}).get("profile") or profile_values(prop=self.prop),
            defaults=audit_defaults(self.settings),
            query_types=QUERY_TYPES,
            idempotency_key=secrets.token_urlsafe(18),
            flash=self.request.session.pop("flash", None),
        )
        response.headers.update(headers or {})
        return response

    async def refuse(
        self,
        section: str,
        messages: list[str],
        status_code: int = 422,
        values: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        """The page again, the refused form's section saying why; nothing of the request kept
        (rolled back, and the property read again as it is stored)."""
        property_id = self.prop.id  # read before the rollback expires the row
        await self.session.rollback()
        again = replace(self, prop=await property_or_404(self.session, property_id, self.caller))
        return await again.show(
            status_code=status_code, problem={section: messages}, values=values, headers=headers
        )

    def done(self, message: str, section: str) -> RedirectResponse:
        """After a form went through: its message on the page, shown at its section (303, so a
        reload does not send the form again)."""
        flash(self.request, message)
        return back_to(self.prop.id, section)

    async def submit(
        self,
        section: str,
        action: Callable[[], Awaitable[Outcome]],
        *,
        values: Mapping[str, Any] | None = None,
        preface: str = "",
        capitalize: bool = True,
        also: tuple[int, ...] = (),
    ) -> Response:
        """Run a form's action (reading the form into a schema, calling the API's service).

        What the schema refuses (422), a `Refusal`, and what the service answers about the
        request itself (FORM_ERRORS, and `also`) come back as the page with the messages at
        `section` and `values` in the form; anything else is not the form's fault and is raised.
        `capitalize`: the services' details are lower-case phrases, made sentences here (but
        starting an audit keeps its own as written: they name surfaces and settings as
        configured). `preface` goes before every message."""
        try:
            outcome = await action()
        except ValidationError as exc:
            refusal = Refusal(problems(exc))
        except HTTPException as exc:
            if exc.status_code not in (*FORM_ERRORS, *also):
                raise
            detail = str(exc.detail)
            retry = (exc.headers or {}).get("Retry-After")
            refusal = Refusal(
                [detail.capitalize() if capitalize else detail],
                exc.status_code,
                {"Retry-After": retry} if retry else None,
            )
        except Refusal as exc:
            refusal = exc
        else:
            return self.done(outcome, section) if isinstance(outcome, str) else outcome
        messages = [preface + message for message in refusal.messages]
        return await self.refuse(
            section, messages, refusal.status_code, values=values, headers=refusal.headers
        )


async def property_page(
    request: Request,
    property_id: str,
    session: SessionDep,
    settings: SettingsDep,
    temporal: TemporalDep,
    caller: ViewerDep,
) -> PropertyPage:
    """The property of the path, as the caller may see it: a malformed or unknown id, or one of
    another organisation, is a 404 page."""
    prop = await property_or_404(session, parse_id(property_id, "property"), caller)
    return PropertyPage(request, session, settings, temporal, caller, prop)


PageDep = Annotated[PropertyPage, Depends(property_page)]
