"""The dashboard's Jinja environment: autoescaped templates, the filters its figures need."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from api.dashboard.access import csrf_token, keyless
from contracts.status import FINAL_AUDIT_STATUSES

HERE = Path(__file__).parent
HTMX = "vendor/htmx-2.0.11.min.js"
# Scripts only from this origin and no inline script at all; pygal's SVGs carry inline styles.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)


def one_decimal(value: float | None, suffix: str = "") -> str:
    """Scores as the API gives them: one decimal; a dash where there is no figure."""
    return "–" if value is None else f"{value:.1f}{suffix}"


def signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f}"


def when(value: datetime | None) -> str:
    return "–" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def money(value: float | None) -> str:
    return "–" if value is None else f"${value:,.4f}" if value < 1 else f"${value:,.2f}"


def is_web(url: str) -> bool:
    """Only http(s) links are links: a model's `javascript:` citation stays text."""
    return url.lower().startswith(("http://", "https://"))


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(one_decimal=one_decimal, signed=signed, when=when, money=money)
    env.tests.update(web=is_web)
    env.globals["FINAL"] = sorted(FINAL_AUDIT_STATUSES)
    return env


TEMPLATES = Jinja2Templates(env=_environment())


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page or fragment, with what every template may use (the CSRF token, who is looking)."""
    caller = getattr(request.state, "caller", None)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "csrf": csrf_token(request),
            "signed_in": caller is not None and not keyless(request),
            "htmx": HTMX,
            "temporal_ui": request.app.state.settings.temporal_ui_url,
            **context,
        },
        status_code=status_code,
    )
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response
