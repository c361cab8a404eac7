"""The rival scenario (tests.db.rival_audits) with its analyses stored as an audit's workflow
stores them today, overtakes included: Vista Park and Modera overtake AMLI Aero on openai in
the third audit."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update

from db.analysis import batch_analysis
from db.audits import get_audit
from db.models import Audit
from tests.db.rival_audits import three_audits
from tests.factories import Sessions

# What the third audit's analysis stores (and the alert's payload says): both sides' figures.
OVERTAKEN = [
    {
        "competitor": "Vista Park",
        "domain": "vistapark.com",
        "surface": "openai",
        "visibility": 100.0,
        "property_visibility": 50.0,
        "avg_rank": 1.75,
        "property_avg_rank": 1.5,
    },
    {
        "competitor": "Modera",
        "domain": "modera.com",
        "surface": "openai",
        "visibility": 50.0,
        "property_visibility": 50.0,
        "avg_rank": 1.0,
        "property_avg_rank": 1.5,
    },
]
BANNER = "now ahead of the property: Vista Park on openai; Modera on openai"


async def analysed(sessions: Sessions, audit_id: uuid.UUID) -> dict[str, Any]:
    """The audit's analysis worked out again (db.analysis.batch_analysis) and stored."""
    async with sessions() as s, s.begin():
        audit = await get_audit(s, audit_id)
        assert audit is not None
        insights = (await batch_analysis(s, audit)).model_dump(mode="json")
        await s.execute(update(Audit).where(Audit.id == audit_id).values(insights=insights))
    return insights


async def overtaken_audits(
    sessions: Sessions, **fields: object
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """The property (`fields` over the scenario's) and its three audits, each analysed."""
    prop, ids = await three_audits(sessions, **fields)
    for audit_id in ids:
        await analysed(sessions, audit_id)
    return prop, ids
