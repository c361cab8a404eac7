"""Organisations and their API keys. The admin key creates organisations; an organisation's
own key may issue and revoke that organisation's keys (rotation without the admin)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Response, status
from sqlalchemy import select

from api.auth import AdminDep, CallerDep
from api.deps import SessionDep
from api.lookups import org_or_404
from api.schemas import KeyCreated, KeyPublic, OrgCreate, OrgCreated, OrgPublic
from db import orgs
from db.models import Organisation

router = APIRouter(prefix="/orgs", tags=["organisations"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_org(body: OrgCreate, session: SessionDep, _: AdminDep) -> OrgCreated:
    """A new organisation and its first key (admin key only)."""
    org, row, key = await orgs.create_org(session, body.name.strip())
    return OrgCreated(org_id=org.id, name=org.name, key_id=row.id, api_key=key)


@router.get("")
async def list_orgs(session: SessionDep, caller: CallerDep) -> list[OrgPublic]:
    """Every organisation for the admin; an organisation's key sees its own."""
    stmt = select(Organisation).order_by(Organisation.created_at)
    if not caller.admin:
        stmt = stmt.where(Organisation.id == caller.org_id)
    rows = (await session.scalars(stmt)).all()
    return [OrgPublic(org_id=o.id, name=o.name, created_at=o.created_at) for o in rows]


@router.post("/{org_id}/keys", status_code=status.HTTP_201_CREATED)
async def create_key(org_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> KeyCreated:
    """Another key for the organisation (to rotate: issue, switch, revoke the old one)."""
    org = await org_or_404(session, org_id, caller)
    row, key = await orgs.issue_key(session, org.id)
    return KeyCreated(org_id=org.id, key_id=row.id, api_key=key)


@router.get("/{org_id}/keys")
async def list_keys(org_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> list[KeyPublic]:
    org = await org_or_404(session, org_id, caller)
    return [
        KeyPublic(key_id=k.id, prefix=k.prefix, created_at=k.created_at, revoked_at=k.revoked_at)
        for k in await orgs.list_keys(session, org.id)
    ]


@router.delete("/{org_id}/keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_key(
    org_id: uuid.UUID, key_id: uuid.UUID, session: SessionDep, caller: CallerDep
) -> Response:
    """Revoke a key: from now on it answers 403."""
    org = await org_or_404(session, org_id, caller)
    if not await orgs.revoke_key(session, org.id, key_id):
        raise HTTPException(status_code=404, detail=f"no live key {key_id} in {org_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
