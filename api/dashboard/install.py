"""Mounting the dashboard on the API's app: its session, its static files, its pages."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from api.dashboard import answers, audits, competitors, pages, panel, properties, schedule
from api.dashboard.access import SESSION_COOKIE, SESSION_HOURS, LoginRequired, session_secret
from api.dashboard.templating import HERE, render
from config.settings import Settings

PAGE_PREFIXES = ("/app/", "/login", "/logout")


def is_page(path: str) -> bool:
    return path == "/" or path.startswith(PAGE_PREFIXES)


def install_dashboard(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings.propertyaudit_api_key),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_HOURS * 3600,
        same_site="strict",
        https_only=(
            settings.propertyaudit_env == "production"
            if settings.session_cookie_secure is None
            else settings.session_cookie_secure
        ),
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="dashboard-static")
    app.include_router(pages.router, include_in_schema=False)
    app.include_router(audits.router, include_in_schema=False)
    for module in (properties, panel, schedule, competitors, answers):
        app.include_router(module.router, include_in_schema=False)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        target = f"/login?next={quote(exc.next_path)}"
        if request.headers.get("hx-request"):
            # htmx follows a redirect inside the fragment; this sends the whole page instead.
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(HTTPException)
    async def page_error(request: Request, exc: HTTPException) -> Response:
        """Pages answer errors as a page (the API keeps its JSON)."""
        if not is_page(request.url.path):
            return await http_exception_handler(request, exc)
        return render(
            request, "error.html", exc.status_code, status=exc.status_code, detail=exc.detail
        )
