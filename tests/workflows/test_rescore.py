"""A database written by scoring version 1, re-scored by the Rescore workflow: its old audits
show today's rules, with nothing but database activities (no LLM call can happen)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import Worker

from activities.rescoring import RescoringActivities
from contracts.rescore import RescoreInput, RescoreTotals
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade_head_async
from db.models import Answer, Audit, Property, Revision, Run, Score
from geo.scoring import SCORING_VERSION
from tests.fixtures.v1_database import truth_of
from tests.workflows.steering import queue
from workflows.rescore import RescoreWorkflow

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "v1-scored.sqlite"


@pytest.fixture
async def v1_database(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A copy of the version-1 database, migrated to today's schema (nothing re-scored yet)."""
    path = tmp_path / "v1.sqlite"
    shutil.copy(FIXTURE, path)
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade_head_async(url)
    engine = make_engine(url)
    yield make_sessionmaker(engine)
    await engine.dispose()


@asynccontextmanager
async def rescore_worker(
    client: Client, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[str]:
    """A worker with the Rescore workflow and its three database activities, nothing else, on a
    queue of the test's own; yields the queue."""
    task_queue = queue()
    acts = RescoringActivities(sessions)
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[RescoreWorkflow],
        activities=[acts.rescore_page, acts.rescore_run, acts.reanalyze_audit],
    ):
        yield task_queue


async def answers_with_truth(
    sessions: async_sessionmaker[AsyncSession],
) -> list[tuple[Answer, object]]:
    async with sessions() as s:
        audits = list((await s.scalars(select(Audit).order_by(Audit.created_at))).all())
        sample_of = {a.id: i for i, a in enumerate(audits)}  # the fixture's samples 0 and 1
        rows = (
            await s.execute(
                select(Answer, Run.surface, Run.batch_id)
                .join(Run, Run.id == Answer.run_id)
                .options(selectinload(Answer.citations))
            )
        ).all()
    return [
        (answer, truth_of(surface, answer.query_text, sample_of[batch]))
        for answer, surface, batch in rows
    ]


def agrees(answer: Answer, truth: object) -> bool:
    return (answer.presence, answer.llm_rank, answer.link_rank) == (
        truth.presence,  # type: ignore[attr-defined]
        truth.rank,  # type: ignore[attr-defined]
        truth.link_rank,  # type: ignore[attr-defined]
    )


async def test_rescoring_a_v1_database_gives_todays_scores_without_an_llm_call(
    client: Client, v1_database: async_sessionmaker[AsyncSession]
) -> None:
    sessions = v1_database
    before = await answers_with_truth(sessions)
    assert len(before) == 76
    # Version 1 trusted the lying model: many stored figures disagree with the answers.
    wrong_before = sum(not agrees(a, t) for a, t in before)
    assert wrong_before > 20
    async with sessions() as s:
        property_id = await s.scalar(select(Property.id))
        old_scores = {r.id: score_of(r).overall_score for r in await _runs(s)}

    async with rescore_worker(client, sessions) as task_queue:
        handle = await client.start_workflow(
            RescoreWorkflow.run,
            RescoreInput(kind="property", target_id=str(property_id), scoring_version=2),
            id=f"rescore-test-{uuid.uuid4()}",
            task_queue=task_queue,
        )
        totals: RescoreTotals = await handle.result()
    assert (totals.audits, totals.runs, totals.answers) == (2, 4, 76)
    assert totals.changed_answers >= wrong_before

    after = await answers_with_truth(sessions)
    assert [(a.id, agrees(a, t)) for a, t in after if not agrees(a, t)] == []
    assert {a.scoring_version for a, _ in after} == {SCORING_VERSION}
    # The model's claims are kept for inspection, beside what the answer showed.
    entities = [e for a, _ in after for e in a.ordered_entities]
    assert all(e["position"] == i + 1 for a, _ in after for i, e in enumerate(a.ordered_entities))
    assert any(e["claimed_position"] not in (None, e["position"]) for e in entities)
    citations = [c for a, _ in after for c in a.citations]
    assert all(c.domain and c.domain in c.url.lower() for c in citations)
    assert any(c.claimed_domain and c.claimed_domain != c.domain for c in citations)

    async with sessions() as s:
        runs = await _runs(s)
        assert {score_of(r).scoring_version for r in runs} == {SCORING_VERSION}
        assert any(score_of(r).overall_score != old_scores[r.id] for r in runs)
        assert all(score_of(r).rescored_at is not None for r in runs)
        # The figures each re-scoring replaced are kept: one per run, one per audit.
        revisions = list((await s.scalars(select(Revision))).all())
        by_run = {r.run_id: r for r in revisions if r.run_id}
        assert {k: v.figures["overall_score"] for k, v in by_run.items()} == old_scores
        assert {r.scoring_version for r in revisions} == {1}
        assert sum(r.run_id is None for r in revisions) == 2
        audits = list((await s.scalars(select(Audit))).all())
        assert {a.scoring_version for a in audits} == {SCORING_VERSION}
        assert all(a.summary and a.summary["source"] == "rules" for a in audits)

    # Nothing but the three database activities ran: no LLM could have been asked.
    history = await handle.fetch_history()
    kinds = {
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    }
    assert kinds == {"rescore_page", "rescore_run", "reanalyze_audit"}


async def test_rescoring_twice_changes_nothing_and_keeps_no_new_revision(
    client: Client, v1_database: async_sessionmaker[AsyncSession]
) -> None:
    sessions = v1_database
    async with sessions() as s:
        audit_id = await s.scalar(select(Audit.id).order_by(Audit.created_at))
    async with rescore_worker(client, sessions) as task_queue:
        results = []
        for _ in range(2):
            results.append(
                await client.execute_workflow(
                    RescoreWorkflow.run,
                    RescoreInput(kind="audit", target_id=str(audit_id), scoring_version=2),
                    id=f"rescore-test-{uuid.uuid4()}",
                    task_queue=task_queue,
                )
            )
    assert results[0].changed_answers > 0 and results[1].changed_answers == 0
    assert (results[1].audits, results[1].runs) == (1, 2)
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Revision)) == 3  # 2 runs, 1 audit


async def _runs(s: AsyncSession) -> list[Run]:
    return list((await s.scalars(select(Run).options(selectinload(Run.score)))).all())


def score_of(run: Run) -> Score:
    assert run.score is not None, f"run {run.id} has no score"
    return run.score
