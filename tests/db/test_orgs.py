"""Organisations' API keys (db.orgs): stored only as a hash, found only by the whole key,
refused once revoked, and revoked only by their own organisation."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from db import orgs
from db.models import ApiKey
from tests.factories import Sessions


async def new_org(sessions: Sessions, name: str) -> tuple[ApiKey, str]:
    async with sessions() as s, s.begin():
        _, row, key = await orgs.create_org(s, name)
        return row, key


async def find(sessions: Sessions, key: str) -> ApiKey | None:
    async with sessions() as s:
        return await orgs.find_key(s, key)


async def revoke(sessions: Sessions, row: ApiKey, by: ApiKey) -> bool:
    async with sessions() as s, s.begin():
        return await orgs.revoke_key(s, by.org_id, row.id)


async def test_a_key_is_stored_only_as_its_hash_and_found_only_by_the_whole_key(
    sessions: Sessions,
) -> None:
    row, key = await new_org(sessions, "Acme Living")

    async with sessions() as s:
        stored = (await s.execute(select(ApiKey.prefix, ApiKey.key_hash))).all()
    assert stored == [(row.prefix, hashlib.sha256(key.encode()).hexdigest())]
    assert key.startswith(f"pa_{row.prefix}_") and key not in stored[0]
    found = await find(sessions, key)
    assert found is not None and (found.id, found.org_id) == (row.id, row.org_id)
    # A wrong key with the right prefix, and keys that are not ours, are refused.
    wrong = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    for refused in (wrong, f"pa_{row.prefix}", key.removeprefix("pa_")):
        assert await find(sessions, refused) is None


async def test_only_its_organisation_revokes_a_key_and_a_revoked_key_is_refused(
    sessions: Sessions,
) -> None:
    row, key = await new_org(sessions, "Acme Living")
    rival, _ = await new_org(sessions, "Rival Homes")

    assert await revoke(sessions, row, by=rival) is False
    assert await find(sessions, key) is not None
    async with sessions() as s:
        assert [k.revoked_at for k in await orgs.list_keys(s, row.org_id)] == [None]

    assert (await revoke(sessions, row, by=row), await revoke(sessions, row, by=row)) == (
        True,
        False,
    )
    assert await find(sessions, key) is None
    assert await find(sessions, "pa_" + "x" * 20) is None  # unknown prefix
