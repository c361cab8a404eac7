"""Who is looking at the dashboard, and whether a form really came from it.

With `PROPERTYAUDIT_API_KEY` set, the dashboard asks once for a key (the admin key or an
organisation's) and keeps the caller it resolved to in a signed, HttpOnly, SameSite=Strict
session cookie; never the key itself. The signing secret is derived from the admin key, so
rotating that key ends every session. An organisation's session ends too when its key is revoked
(checked on every request). Without the key (development) everyone is the admin, as in the API.

Every state-changing request carries the session's CSRF token, as the `csrf` form field or the
`X-CSRF-Token` header (htmx sends it on every request).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from pydantic import SecretStr

from api.auth import ADMIN, Caller, caller_for_key
from db.orgs import live_key

CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SESSION_COOKIE = "propertyaudit_session"
SESSION_HOURS = 12


class LoginRequired(Exception):
    """No session: the page sends the browser to the login form and back."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def session_secret(admin_key: SecretStr | None) -> str:
    """Derived from the admin key (every replica agrees, rotation logs everyone out); without a
    key, random per process: a restart only costs a page reload."""
    if admin_key is None:
        return secrets.token_hex(32)
    digest = hmac.new(
        admin_key.get_secret_value().encode(), b"propertyaudit dashboard session", hashlib.sha256
    )
    return digest.hexdigest()


def keyless(request: Request) -> bool:
    return request.app.state.settings.propertyaudit_api_key is None


def csrf_token(request: Request) -> str:
    token: str | None = request.session.get(CSRF_FIELD)
    if token is None:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def sign_in(request: Request, key: str) -> Caller | None:
    """The caller a key stands for, kept in the session; None for a key that is not ours."""
    caller = await caller_for_key(request, key)
    if caller is None:
        return None
    request.session.clear()  # a new session id for the new identity (no fixation)
    request.session["caller"] = {
        "admin": caller.admin,
        "org_id": str(caller.org_id) if caller.org_id else None,
        "key_id": str(caller.key_id) if caller.key_id else None,
    }
    csrf_token(request)
    return caller


def sign_out(request: Request) -> None:
    request.session.clear()


async def _session_caller(request: Request) -> Caller | None:
    stored = request.session.get("caller")
    if not isinstance(stored, dict):
        return None
    if stored.get("admin"):
        return ADMIN
    key_id, org_id = stored.get("key_id"), stored.get("org_id")
    if not key_id or not org_id:
        return None
    async with request.app.state.sessions() as session:
        row = await live_key(session, uuid.UUID(key_id))
    if row is None or str(row.org_id) != org_id:
        request.session.clear()
        return None
    return Caller(admin=False, org_id=row.org_id, key_id=row.id)


async def viewer(request: Request) -> Caller:
    """The dashboard's caller, or LoginRequired (answered with a redirect to /login)."""
    if keyless(request):
        request.state.caller = ADMIN
        return ADMIN
    caller = await _session_caller(request)
    if caller is None:
        raise LoginRequired(request.url.path)
    request.state.caller = caller
    return caller


async def checked_form(request: Request) -> None:
    """403 unless the request carries this session's CSRF token."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()  # cached by Starlette: the route's Form fields still read it
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    expected = request.session.get(CSRF_FIELD)
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise HTTPException(
            status_code=403,
            detail="this form is stale or did not come from the dashboard; reload the page",
        )


ViewerDep = Annotated[Caller, Depends(viewer)]
