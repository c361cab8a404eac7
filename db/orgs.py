"""Organisations and their API keys. A key is shown once and stored as its SHA-256: keys are
256 random bits, so a fast hash is as safe as a slow one, and a request costs one indexed
lookup by the key's public prefix."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ApiKey, Organisation, utcnow

KEY_PREFIX = "pa_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """(the key to show once, its public prefix)."""
    prefix = secrets.token_hex(6)
    return f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}", prefix


async def create_org(session: AsyncSession, name: str) -> tuple[Organisation, ApiKey, str]:
    org = Organisation(name=name)
    session.add(org)
    await session.flush()
    row, key = await issue_key(session, org.id)
    return org, row, key


async def issue_key(session: AsyncSession, org_id: uuid.UUID) -> tuple[ApiKey, str]:
    key, prefix = new_key()
    row = ApiKey(org_id=org_id, prefix=prefix, key_hash=_hash(key))
    session.add(row)
    await session.flush()
    return row, key


async def revoke_key(session: AsyncSession, org_id: uuid.UUID, key_id: uuid.UUID) -> bool:
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.org_id == org_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


async def find_key(session: AsyncSession, key: str) -> ApiKey | None:
    """The live key row a presented key belongs to, compared in constant time."""
    if not key.startswith(KEY_PREFIX):
        return None
    prefix = key[len(KEY_PREFIX) :].split("_", 1)[0]
    row = await session.scalar(
        select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))
    )
    if row is None or not hmac.compare_digest(row.key_hash, _hash(key)):
        return None
    return row


async def live_key(session: AsyncSession, key_id: uuid.UUID) -> ApiKey | None:
    """A key that still opens the door (a dashboard session is only as good as its key)."""
    return await session.scalar(
        select(ApiKey).where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
    )


async def list_keys(session: AsyncSession, org_id: uuid.UUID) -> list[ApiKey]:
    rows = await session.scalars(
        select(ApiKey).where(ApiKey.org_id == org_id).order_by(ApiKey.created_at)
    )
    return list(rows.all())
