"""The audit page: live progress, Pause / Resume / Cancel, and the results once it closes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api.auth import Caller
from api.dashboard.access import ViewerDep, checked_form
from api.dashboard.templating import render
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.lookups import audit_or_404, property_or_404
from api.schemas import AuditState
from api.services.audits import audit_state
from api.services.links import workflow_url
from api.services.reports import ReportFormat, collect, dashboard_links, report_response
from api.services.signals import signal_audit
from config.settings import Settings
from contracts.status import CLOSED_WITH_ANSWERS, FINAL_AUDIT_STATUSES
from db.models import Audit
from geo.segments import location_of

router = APIRouter(prefix="/app/audits")
# The page asks again after 1 s, then waits half as long again each time, up to 5 s: quick
# while a user watches it start, gentle on a long audit left open in a tab.
FIRST_DELAY_S, BACKOFF, MAX_DELAY_S = 1.0, 1.5, 5.0
SUMMARY_GRACE = timedelta(minutes=2)
SIGNALS = {"pause": "Pause sent", "resume": "Resume sent", "cancel": "Cancel sent"}


def summary_due(state: AuditState) -> bool:
    """A batch that just closed still writes its summary (one more LLM call): keep asking a
    while, so the page shows it without a reload."""
    if state.finished_at is None or state.status not in CLOSED_WITH_ANSWERS:
        return False
    return datetime.now(UTC) - state.finished_at < SUMMARY_GRACE


def next_delay(polls: int) -> float:
    return round(min(FIRST_DELAY_S * BACKOFF**polls, MAX_DELAY_S), 2)


@dataclass
class AuditPage:
    """One audit as the viewer may see it, and what every audit route needs to answer."""

    request: Request
    session: AsyncSession
    temporal: Client
    settings: Settings
    caller: Caller
    audit: Audit

    async def state(self) -> AuditState:
        return await audit_state(self.settings, self.temporal, self.audit)

    async def body(
        self, polls: int = 0, flash: str | None = None, template: str = "_audit_body.html"
    ) -> HTMLResponse:
        state = await self.state()
        closed = state.status in FINAL_AUDIT_STATUSES
        links = dashboard_links(self.settings)
        report = await collect(self.session, self.audit, links) if closed else None
        location = location_of(self.audit.asker_location)
        return render(
            self.request,
            template,
            audit=state,
            prop=await property_or_404(self.session, self.audit.property_id, self.caller),
            closed=closed,
            settling=report is not None and report.summary is None and summary_due(state),
            report=report,
            location=location.label() if location else None,
            workflow_links={
                r.surface: workflow_url(self.settings, r.workflow_id) for r in state.runs
            },
            polls=polls + 1,
            delay=next_delay(polls),
            flash=flash,
        )


async def audit_page_of(
    request: Request,
    audit_id: uuid.UUID,
    session: SessionDep,
    temporal: TemporalDep,
    settings: SettingsDep,
    caller: ViewerDep,
) -> AuditPage:
    """The audit, or the 404 page for an id the viewer may not see."""
    audit = await audit_or_404(session, audit_id, caller)
    return AuditPage(request, session, temporal, settings, caller, audit)


PageDep = Annotated[AuditPage, Depends(audit_page_of)]
Polls = Annotated[int, Query(ge=0)]


@router.get("/{audit_id}", response_class=HTMLResponse)
async def audit_page(page: PageDep) -> HTMLResponse:
    return await page.body(template="audit.html")


@router.get("/{audit_id}/live", response_class=HTMLResponse)
async def audit_live(page: PageDep, polls: Polls = 0) -> HTMLResponse:
    """The page's body alone, polled while the audit is open; once closed, the results."""
    return await page.body(min(polls, 50))


@router.post("/{audit_id}/{signal}", dependencies=[Depends(checked_form)])
async def steer(
    page: PageDep,
    signal: Literal["pause", "resume", "cancel"],
    reason: Annotated[str | None, Form(max_length=200)] = None,
) -> Response:
    """Sent like the API's signals; htmx swaps in the fresh body, a plain form reloads the page."""
    await signal_audit(page.temporal, page.audit, signal, reason or None)
    if page.request.headers.get("hx-request"):
        return await page.body(flash=SIGNALS[signal])
    return RedirectResponse(f"/app/audits/{page.audit.id}", status_code=303)


@router.get("/{audit_id}/report")
async def audit_report(page: PageDep, format: ReportFormat = "html") -> Response:
    """The API's report, for a browser signed in with a session instead of a key header."""
    links = dashboard_links(page.settings)
    return report_response(await collect(page.session, page.audit, links), format)


@router.get("/{audit_id}/badge", response_class=HTMLResponse)
async def audit_badge(page: PageDep, polls: Polls = 0) -> HTMLResponse:
    """The portfolio's status cell of a running audit, polled the same way as its page."""
    state = await page.state()
    return render(
        page.request,
        "_audit_badge.html",
        audit=state,
        closed=state.status in FINAL_AUDIT_STATUSES,
        polls=min(polls, 50) + 1,
        delay=next_delay(min(polls, 50)),
    )
