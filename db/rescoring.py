"""Re-scoring stored answers: which audits a target covers, each run's answers and score
rewritten with today's rules, and the figures they replace kept for comparison."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from contracts.status import FINAL_AUDIT_STATUSES
from db.analysis import batch_analysis, brand_of
from db.answers import CITATIONS, citation_rows, scored_values
from db.audits import get_audit
from db.models import Answer, Audit, Revision, Run, Score, utcnow
from db.rows import from_row
from db.runs import aggregate_stored, score_values
from geo.insights import CrossModel
from geo.profile import BrandContext
from geo.rescoring import StoredAnswer, rescore
from geo.scoring import SCORING_VERSION
from geo.summary import BatchSummary, rule_summary

TargetKind = Literal["run", "audit", "property", "all"]


@dataclass(frozen=True)
class AuditPage:
    """Closed audits of a target, in a stable order, and the runs of each to re-score."""

    audits: list[tuple[uuid.UUID, list[uuid.UUID]]]
    next_cursor: tuple[datetime, uuid.UUID] | None
    open_audits: int


async def target_audits(
    session: AsyncSession,
    kind: TargetKind,
    target_id: uuid.UUID | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> AuditPage:
    """A page of the target's closed audits (open ones are counted and left alone: their
    workflows are still writing)."""
    stmt = select(Audit).options(selectinload(Audit.runs)).order_by(Audit.created_at, Audit.id)
    only_run: uuid.UUID | None = None
    if kind == "run":
        only_run = target_id
        stmt = stmt.where(
            Audit.id == select(Run.batch_id).where(Run.id == target_id).scalar_subquery()
        )
    elif kind == "audit":
        stmt = stmt.where(Audit.id == target_id)
    elif kind == "property":
        stmt = stmt.where(Audit.property_id == target_id)
    if after is not None:
        at, last = after
        stmt = stmt.where((Audit.created_at > at) | ((Audit.created_at == at) & (Audit.id > last)))
    rows = list((await session.scalars(stmt.limit(limit + 1))).all())
    more = len(rows) > limit
    rows = rows[:limit]
    closed = [a for a in rows if a.status in FINAL_AUDIT_STATUSES]
    return AuditPage(
        audits=[
            (a.id, [r.id for r in a.runs if only_run is None or r.id == only_run]) for a in closed
        ],
        next_cursor=(rows[-1].created_at, rows[-1].id) if more and rows else None,
        open_audits=len(rows) - len(closed),
    )


def stored_answer(a: Answer) -> StoredAnswer:
    return from_row(
        StoredAnswer,
        a,
        ordered_entities=a.ordered_entities or [],
        model_flags=a.model_flags or [],
    )


@dataclass(frozen=True)
class RunRescored:
    answers: int
    changed: int
    score_before: float | None
    score_after: float


async def rescore_run(session: AsyncSession, run_id: uuid.UUID, brand: BrandContext) -> RunRescored:
    """Re-score every answer of a run from what was stored, then its score; the score it
    replaces is kept as a revision (unless nothing changed, e.g. a retried activity)."""
    answers = (
        await session.scalars(
            select(Answer)
            .where(Answer.run_id == run_id, Answer.status == "ok")
            .options(selectinload(Answer.citations))
        )
    ).all()
    changed = 0
    for answer in answers:
        block, scored = rescore(stored_answer(answer), brand)
        before = (answer.presence, answer.llm_rank, answer.link_rank, answer.score)
        changed += before != (scored.presence, scored.llm_rank, scored.link_rank, scored.score)
        await session.execute(
            update(Answer).where(Answer.id == answer.id).values(**scored_values(block, scored))
        )
        await session.execute(delete(CITATIONS).where(CITATIONS.c.answer_id == answer.id))
        rows = citation_rows(answer.id, block, scored)
        if rows:
            await session.execute(insert(CITATIONS), rows)
    score, version = await aggregate_stored(session, run_id)
    values = score_values(score, version)
    old = await session.scalar(select(Score).where(Score.run_id == run_id))
    before_score = old.overall_score if old else None
    batch_id = await session.scalar(select(Run.batch_id).where(Run.id == run_id))
    if old is not None and batch_id is not None and _unchanged(old, values) is False:
        session.add(
            Revision(
                audit_id=batch_id,
                run_id=run_id,
                scoring_version=old.scoring_version,
                figures=_figures(old),
            )
        )
    if old is None:
        session.add(Score(run_id=run_id, **values, rescored_at=utcnow()))
    else:
        for key, value in values.items():
            setattr(old, key, value)
        old.rescored_at = utcnow()
    return RunRescored(len(answers), changed, before_score, score.overall_score)


FIGURES = (
    "overall_score",
    "weighted_score",
    "visibility_pct",
    "avg_llm_rank",
    "avg_link_rank",
    "avg_sov",
    "visibility_ci_low",
    "visibility_ci_high",
    "breakdown",
    "answered_count",
    "error_count",
    "scoring_version",
)


def _figures(score: Score) -> dict[str, object]:
    return {key: getattr(score, key) for key in FIGURES} | {
        "scored_at": (score.rescored_at or score.created_at).isoformat()
    }


def _unchanged(old: Score, values: dict[str, object]) -> bool:
    return all(getattr(old, key) == values[key] for key in FIGURES)


def _replaced(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    """Whether the analysis changed; overtakes appearing where they were never worked out (an
    analysis stored before them) change nothing by themselves."""
    if old is None:
        return False
    if old.get("overtaken") is None:
        old, new = ({k: v for k, v in d.items() if k != "overtaken"} for d in (old, new))
    return old != new


async def reanalyze_audit(session: AsyncSession, audit_id: uuid.UUID) -> bool:
    """Re-run the batch's cross-model analysis on its re-scored answers (and who overtook the
    property since the previous audit re-scored to the same rules: audits are re-analysed
    oldest first), keeping the analysis it replaces; a rule-written summary is rewritten, a
    model's summary is kept as written (that would take an LLM call). False when the audit is
    gone."""
    audit = await get_audit(session, audit_id)
    if audit is None:
        return False
    brand = await brand_of(session, audit.property_id)
    versions = [r.score.scoring_version for r in audit.runs if r.score is not None]
    version = min(versions, default=SCORING_VERSION)
    new = (await batch_analysis(session, audit, version)).model_dump(mode="json")
    if _replaced(audit.insights, new):
        session.add(
            Revision(
                audit_id=audit.id,
                run_id=None,
                scoring_version=audit.scoring_version,
                figures={"insights": audit.insights, "summary": audit.summary},
            )
        )
    values: dict[str, object] = {
        "insights": new,
        "scoring_version": version,
        "rescored_at": utcnow(),
    }
    summary = BatchSummary.model_validate(audit.summary) if audit.summary else None
    if summary is not None and summary.source == "rules":
        values["summary"] = rule_summary(CrossModel.model_validate(new), brand.name).model_dump(
            mode="json"
        )
    await session.execute(update(Audit).where(Audit.id == audit.id).values(**values))
    return True
