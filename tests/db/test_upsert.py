"""INSERT … ON CONFLICT DO NOTHING (db.upsert) on SQLite and PostgreSQL alike."""

from __future__ import annotations

import uuid

from sqlalchemy import Table, select

from db.models import Query
from db.upsert import insert_if_absent
from tests.factories import Sessions, new_property

QUERIES: Table = Query.__table__  # type: ignore[assignment]


async def test_insert_if_absent_returns_the_new_id_then_none_for_the_same_conflict_key(
    sessions: Sessions,
) -> None:
    property_id = await new_property(sessions, [])

    def row(text: str) -> dict[str, object]:
        key = text.lower()
        return {
            "id": uuid.uuid4(),
            "property_id": property_id,
            "text": text,
            "text_key": key,
            "type": "local",
        }

    first, repeat, other = row("Pool?"), row("POOL?"), row("Gym?")
    ids = []
    for values in (first, repeat, other):
        async with sessions() as s, s.begin():
            ids.append(await insert_if_absent(s, QUERIES, values, ["property_id", "text_key"]))

    assert ids == [first["id"], None, other["id"]]
    async with sessions() as s:
        stored = (await s.execute(select(Query.text).order_by(Query.text))).scalars().all()
    assert stored == ["Gym?", "Pool?"]  # the repeat changed nothing
