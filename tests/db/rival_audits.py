"""Three audits of AMLI Aero against two listed competitors, for the competitor-trend tests.

openai, per audit (q0…q3), the property's place in brackets:
1: [Aero, Vista] [Aero, Modera] [Vista, Aero] [Modera]
2: as 1, but q3 [Modera, Vista]                       property 75 %, Vista 75 % (rank 1.67 > 1.33)
3: q1 [Modera, Vista] (Aero gone), q3 [Modera, Vista] property 50 %, Vista 100 %, Modera 50 % at
   rank 1.0 against the property's 1.5: both overtake it on openai in the third audit.
claude is the same in every audit: property 75 % at rank 1, Vista 75 % at rank 1.67.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.factories import AuditSpec, Sessions, block, new_audit, new_property

QUESTIONS = ["q0", "q1", "q2", "q3"]
T0 = datetime(2026, 11, 1, tzinfo=UTC)
COMPETITORS = [
    {"name": "Vista Park", "domain": "vistapark.com"},
    {"name": "Modera", "domain": "modera.com"},
]
AERO, VISTA, MODERA = "AMLI Aero", "Vista Park", "Modera"

CLAUDE = {
    "q0": block([AERO], ["amli.com"]),
    "q1": block([VISTA], ["vistapark.com"]),
    "q2": block([AERO, VISTA]),
    "q3": block([AERO, VISTA]),
}
FIRST = {
    "q0": block([AERO, VISTA], ["amli.com", "vistapark.com"]),
    "q1": block([AERO, MODERA], ["amli.com"]),
    "q2": block([VISTA, AERO], ["vistapark.com", "yelp.com"]),
    "q3": block([MODERA]),
}
SECOND = {**FIRST, "q3": block([MODERA, VISTA])}
THIRD = {
    **SECOND,
    "q1": block([MODERA, VISTA], ["reddit.com", "yelp.com"]),
}
OPENAI = [FIRST, SECOND, THIRD]


async def three_audits(sessions: Sessions, **fields: object) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """The property (with `fields` over the scenario's) and its three audits, a week apart."""
    prop = await new_property(sessions, QUESTIONS, **{"competitors": COMPETITORS, **fields})
    ids = [
        await new_audit(
            sessions,
            prop,
            AuditSpec(
                answers={"openai": answers, "claude": CLAUDE},
                created_at=T0 + timedelta(days=7 * week),
            ),
        )
        for week, answers in enumerate(OPENAI)
    ]
    return prop, ids
