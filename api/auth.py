"""Who is calling: the admin, an organisation, or (with no key configured) anyone.

`PROPERTYAUDIT_API_KEY` is the admin key: it sees everything and manages organisations. Each
organisation's keys see only its properties and everything under them; another organisation's
ids answer 404, as if they did not exist. Without `PROPERTYAUDIT_API_KEY` (development) the API
is open and every caller is the admin.

A key comes as `X-API-Key`, or as `Authorization: Bearer <key>` (what Prometheus sends).
"""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Select

from db.models import Property
from db.orgs import find_key


@dataclass(frozen=True)
class Caller:
    admin: bool
    org_id: uuid.UUID | None = None
    key_id: uuid.UUID | None = None

    def sees(self, org_id: uuid.UUID | None) -> bool:
        return self.admin or (self.org_id is not None and org_id == self.org_id)

    def scope(self, stmt: Select[Any]) -> Select[Any]:
        """Only the caller's properties (a statement over Property)."""
        return stmt if self.admin else stmt.where(Property.org_id == self.org_id)

    @property
    def rate_key(self) -> str:
        """Whose allowance a request spends (rate limits are per key)."""
        if self.key_id is not None:
            return f"key:{self.key_id}"
        return "admin" if self.admin else "anonymous"


ADMIN = Caller(admin=True)


def presented_key(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials.strip() or None if scheme.lower() == "bearer" else None


async def authenticate(request: Request) -> Caller:
    """The caller of this request, or 401 (no key) / 403 (a key that is no key of ours)."""
    cached: Caller | None = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    if request.app.state.settings.propertyaudit_api_key is None:
        caller = ADMIN
    else:
        key = presented_key(request)
        if not key:
            raise HTTPException(status_code=401, detail="missing X-API-Key header")
        found = await caller_for_key(request, key)
        if found is None:
            raise HTTPException(status_code=403, detail="invalid API key")
        caller = found
    request.state.caller = caller
    return caller


async def caller_for_key(request: Request, key: str) -> Caller | None:
    """The admin for the admin key, an organisation for one of its live keys, else None."""
    admin_key = request.app.state.settings.propertyaudit_api_key
    if admin_key is not None and hmac.compare_digest(
        key.encode(), admin_key.get_secret_value().encode()
    ):
        return ADMIN
    async with request.app.state.sessions() as session:
        row = await find_key(session, key)
    return None if row is None else Caller(admin=False, org_id=row.org_id, key_id=row.id)


CallerDep = Annotated[Caller, Depends(authenticate)]


def require_admin(caller: CallerDep) -> Caller:
    if not caller.admin:
        raise HTTPException(status_code=403, detail="this needs the admin key")
    return caller


AdminDep = Annotated[Caller, Depends(require_admin)]
