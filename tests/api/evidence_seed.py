"""An audit whose questions speak for two personas in two languages, answered by two surfaces
(one answer an error, one question asked twice): what the answers, segments and evidence tests
build on, every figure small enough to work out by hand."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from contracts.asking import Ask, Usage
from contracts.audit import QuerySpec
from db import audits, runs
from db.models import Audit, Property, Query
from db.properties import add_queries
from geo.answer import AnswerBlock
from geo.panel import PanelQuery
from tests.factories import BRAND, Sessions, block, store_answer, store_error, surface


@dataclass(frozen=True)
class Question:
    text: str
    persona: str
    language: str
    weight: float


Q1 = Question("Best apartments in North Park", "", "en", 1.0)
Q2 = Question("Apartments for families in North Park", "families", "en", 2.0)
Q3 = Question("Mejores apartamentos en North Park", "", "es", 1.0)
Q4 = Question("Apartamentos para familias en North Park", "families", "es", 1.0)
QUESTIONS = (Q1, Q2, Q3, Q4)

# Per surface: (question, sample, the answer or None for an error).
ANSWERS: dict[str, list[tuple[Question, int, AnswerBlock | None]]] = {
    "openai": [
        (Q1, 0, block(["AMLI Aero", "Vista Park"], ["amli.com", "yelp.com"])),
        (Q1, 1, block(["Vista Park", "Elan Row"], ["yelp.com"])),
        (Q2, 0, block(["Vista Park", "AMLI Aero"], ["vistapark.com"])),
        (Q3, 0, block(["Vista Park"])),
        (Q4, 0, None),
    ],
    "claude": [
        (Q1, 0, block(["Elan Row"], ["yelp.com"])),
        (Q2, 0, block(["AMLI Aero"], ["amli.com"])),
        (Q3, 0, block(["AMLI Aero", "Vista Park"], ["amli.com", "vistapark.com"])),
        (Q4, 0, block(["Elan Row", "Vista Park", "AMLI Aero"])),
    ],
}


@dataclass(frozen=True)
class Seeded:
    property_id: uuid.UUID
    audit_id: uuid.UUID
    runs: dict[str, uuid.UUID]
    queries: dict[str, uuid.UUID]


async def evidence_property(sessions: Sessions, org_id: uuid.UUID | None = None) -> uuid.UUID:
    async with sessions() as s, s.begin():
        prop = Property(**{**BRAND, "org_id": org_id})
        s.add(prop)
        await s.flush()
        panel = [
            PanelQuery(
                text=q.text,
                type="category",
                weight=q.weight,
                persona=q.persona,
                language=q.language,
            )
            for q in QUESTIONS
        ]
        await add_queries(s, prop, panel, generated=True)
        return prop.id


async def evidence_audit(
    sessions: Sessions,
    property_id: uuid.UUID,
    *,
    location: dict[str, Any] | None = None,
    created_at: datetime | None = None,
    answers: dict[str, list[tuple[Question, int, AnswerBlock | None]]] | None = None,
) -> Seeded:
    """A completed audit of the property answering as `answers` (ANSWERS by default)."""
    script = ANSWERS if answers is None else answers
    async with sessions() as s, s.begin():
        ids = {
            q.text: q.id
            for q in await s.scalars(select(Query).where(Query.property_id == property_id))
        }
        audit = await audits.open_audit(
            s,
            audits.AuditRequest(property_id=property_id, surfaces=[surface(x) for x in script]),
        )
        run_ids = {r.surface: r.id for r in audit.runs}
    for name, asked in script.items():
        for index, (q, sample, answer) in enumerate(asked, start=1):
            spec = QuerySpec(
                query_id=str(ids[q.text]),
                text=q.text,
                type="category",
                weight=q.weight,
                index=index,
                persona=q.persona,
                language=q.language,
            )
            ask = Ask(run_id=str(run_ids[name]), query=spec, sample=sample, total_asks=len(asked))
            if answer is None:
                await store_error(sessions, ask, "HTTP 500")
            else:
                await store_answer(sessions, ask, answer, Usage(model=f"{name}-model"))
    async with sessions() as s, s.begin():
        for run_id in run_ids.values():
            await runs.finish_run(s, run_id, status="completed", error_message=None)
        values: dict[str, object] = {"status": "completed", "asker_location": location}
        if created_at is not None:
            values["created_at"] = created_at
        await s.execute(update(Audit).where(Audit.id == audit.id).values(**values))
    return Seeded(property_id, audit.id, run_ids, ids)


async def seed_evidence(sessions: Sessions, org_id: uuid.UUID | None = None) -> Seeded:
    return await evidence_audit(sessions, await evidence_property(sessions, org_id))
