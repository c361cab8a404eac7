"""Reading a property's audits for competitors over time and page-level source gaps: the audits
that compare, then their answers and citations as `geo.rivals.AnswerRecord`s, in four queries
however many audits are read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.status import CLOSED_WITH_ANSWERS, RunStatus
from db.models import Answer, Audit, CitationRow, Property, Run
from db.properties import profile_of
from geo.overtaking import Overtake, overtaken
from geo.rivals import AnswerRecord, Link, listed_rivals, table
from geo.scoring import SCORING_VERSION


@dataclass(frozen=True)
class RunRef:
    run_id: uuid.UUID
    surface: str
    workflow_id: str


@dataclass(frozen=True)
class AuditRow:
    """An audit whose answers count: its completed runs only (as in the property's trend)."""

    audit_id: uuid.UUID
    created_at: datetime
    workflow_id: str
    runs: tuple[RunRef, ...]


@dataclass(frozen=True)
class History:
    audits: list[AuditRow]  # oldest first
    records: list[AnswerRecord]

    @property
    def latest(self) -> str | None:
        return str(self.audits[-1].audit_id) if self.audits else None


def audit_row(audit: Audit) -> AuditRow:
    """An audit loaded with its runs, as the readers below take it."""
    runs = tuple(
        RunRef(r.id, r.surface, r.workflow_id)
        for r in audit.runs
        if r.status == RunStatus.COMPLETED
    )
    return AuditRow(audit.id, audit.created_at, audit.workflow_id, runs)


async def comparable_audits(
    session: AsyncSession,
    property_id: uuid.UUID,
    *,
    limit: int,
    until: datetime | None = None,
    surface: str | None = None,
) -> list[AuditRow]:
    """The property's latest `limit` closed audits scored by today's rules (figures of other
    rules measure something else), oldest first; optionally none after `until`."""
    stmt = select(Audit.id, Audit.created_at, Audit.workflow_id).where(
        Audit.property_id == property_id,
        Audit.status.in_(CLOSED_WITH_ANSWERS),
        Audit.scoring_version == SCORING_VERSION,
    )
    if until is not None:
        stmt = stmt.where(Audit.created_at <= until)
    audits = (await session.execute(stmt.order_by(Audit.created_at.desc()).limit(limit))).all()
    runs: dict[uuid.UUID, list[RunRef]] = {a.id: [] for a in audits}
    run_stmt = select(Run.id, Run.batch_id, Run.surface, Run.workflow_id).where(
        Run.batch_id.in_(list(runs)), Run.status == RunStatus.COMPLETED
    )
    if surface:
        run_stmt = run_stmt.where(Run.surface == surface)
    for run_id, batch_id, name, workflow_id in (await session.execute(run_stmt)).all():
        runs[batch_id].append(RunRef(run_id, name, workflow_id))
    return [
        AuditRow(
            a.id, a.created_at, a.workflow_id, tuple(sorted(runs[a.id], key=lambda r: r.surface))
        )
        for a in reversed(audits)
    ]


async def answer_records(session: AsyncSession, audits: Sequence[AuditRow]) -> list[AnswerRecord]:
    """The ok answers of the audits' runs, with the citations their readers saw."""
    where = {r.run_id: (a.audit_id, r.surface) for a in audits for r in a.runs}
    if not where:
        return []
    answers = (
        await session.execute(
            select(
                Answer.id,
                Answer.run_id,
                Answer.query_id,
                Answer.query_text,
                Answer.created_at,
                Answer.presence,
                Answer.llm_rank,
                Answer.sov,
                Answer.ordered_entities,
            )
            .where(Answer.run_id.in_(list(where)), Answer.status == "ok")
            .order_by(Answer.created_at, Answer.id)
        )
    ).all()
    links: dict[uuid.UUID, list[Link]] = {a.id: [] for a in answers}
    cited = await session.execute(
        select(
            CitationRow.answer_id,
            CitationRow.url,
            CitationRow.entity_ref,
            CitationRow.is_brand_domain,
        )
        .join(Answer, Answer.id == CitationRow.answer_id)
        .where(Answer.run_id.in_(list(where)), Answer.status == "ok")
        .order_by(CitationRow.answer_id, CitationRow.position)
    )
    for answer_id, url, entity_ref, is_brand in cited.all():
        links[answer_id].append(Link(url, entity_ref or "", bool(is_brand)))
    return [
        AnswerRecord(
            audit_id=str(where[a.run_id][0]),
            surface=where[a.run_id][1],
            question=str(a.query_id) if a.query_id else a.query_text,
            created_at=a.created_at,
            entities=tuple(
                (str(e.get("name") or ""), str(e.get("domain") or ""))
                for e in a.ordered_entities or []
                if isinstance(e, dict)
            ),
            links=tuple(links[a.id]),
            presence=bool(a.presence),
            brand_rank=a.llm_rank,
            brand_sov=a.sov,
        )
        for a in answers
    ]


async def property_history(
    session: AsyncSession,
    property_id: uuid.UUID,
    *,
    limit: int,
    until: datetime | None = None,
    surface: str | None = None,
) -> History:
    audits = await comparable_audits(
        session, property_id, limit=limit, until=until, surface=surface
    )
    return History(audits, await answer_records(session, audits))


async def overtaken_since(
    session: AsyncSession, previous: Audit | None, audit: Audit, prop: Property
) -> list[Overtake]:
    """The profile's competitors that beat the property on a surface in `audit` and did not in
    `previous` (both loaded with their runs). Places the profile does not list never alert."""
    rivals = listed_rivals(profile_of(prop).competitors)
    if previous is None or not rivals:
        return []
    rows = [audit_row(previous), audit_row(audit)]
    records = await answer_records(session, rows)
    return overtaken(table(records, rivals, [str(r.audit_id) for r in rows]), rivals)
