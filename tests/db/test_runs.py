"""A run's lifecycle (db.runs): started only while open, closed with the score of its stored
answers, once."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import delete, func, select

from contracts.status import RunStatus
from db import runs
from db.models import Run, Score
from geo.scoring import RunScore, score_answer
from tests.factories import Sessions, block, brand, opened_audit, store_answer, store_error

QUESTIONS = ["q one", "q two", "q three"]
FIRST = block(["AMLI Aero", "Vista Park"], cites=["amli.com"])
ABSENT = block(["Vista Park"], cites=["vistapark.com"])


async def finish(
    sessions: Sessions, run_id: uuid.UUID, status: str, error: str | None = None
) -> tuple[Run, RunScore]:
    async with sessions() as s, s.begin():
        return await runs.finish_run(s, run_id, status=status, error_message=error)


async def test_finish_scores_the_stored_answers_and_counts_errors_without_averaging_them(
    sessions: Sessions,
) -> None:
    audit = await opened_audit(sessions, QUESTIONS)
    first = await store_answer(sessions, audit.ask("q one"), FIRST)
    await store_answer(sessions, audit.ask("q two"), ABSENT)
    await store_error(sessions, audit.ask("q three"))
    assert first.stored
    hit, miss = score_answer(FIRST, brand()).score, score_answer(ABSENT, brand()).score

    run, score = await finish(sessions, audit.runs["openai"], RunStatus.COMPLETED)

    assert hit > miss
    assert (score.answered, score.errors) == (2, 1)
    assert score.overall_score == pytest.approx(round((hit + miss) / 2, 2))
    assert score.visibility_pct == 50.0
    assert (run.status, run.answers_done, run.errors_count, run.progress_pct) == (
        "completed",
        2,
        1,
        100.0,
    )
    assert run.finished_at is not None and run.error_message is None
    async with sessions() as s:
        stored = await s.scalar(select(Score).where(Score.run_id == run.id))
        assert stored is not None
        assert (stored.overall_score, stored.answered_count, stored.error_count) == (
            score.overall_score,
            2,
            1,
        )


async def test_a_run_whose_every_ask_failed_closes_as_failed(sessions: Sessions) -> None:
    audit = await opened_audit(sessions, QUESTIONS[:2])
    for text in QUESTIONS[:2]:
        await store_error(sessions, audit.ask(text))

    run, score = await finish(sessions, audit.runs["openai"], RunStatus.COMPLETED)

    assert (run.status, run.error_message) == ("failed", "every query failed")
    assert (score.answered, score.errors, score.overall_score) == (0, 2, 0.0)


async def test_a_retried_finish_changes_nothing(sessions: Sessions) -> None:
    audit = await opened_audit(sessions, QUESTIONS[:1])
    await store_answer(sessions, audit.ask("q one"), FIRST)
    run_id = audit.runs["openai"]
    closed, score = await finish(sessions, run_id, RunStatus.COMPLETED)

    # A retry, even one that reports another outcome, leaves the closed run as it was.
    again, again_score = await finish(sessions, run_id, RunStatus.FAILED, "worker lost")

    assert (again.status, again.error_message) == ("completed", None)
    assert again.finished_at == closed.finished_at
    assert again_score == score
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Score)) == 1
        stored = await s.scalar(select(Score.overall_score))
    assert stored == score.overall_score


async def test_start_run_moves_only_an_open_run(sessions: Sessions) -> None:
    audit = await opened_audit(sessions, QUESTIONS[:1], ("anthropic", "openai"))
    queued, closed = audit.runs["openai"], audit.runs["anthropic"]
    await finish(sessions, closed, RunStatus.CANCELLED, "cancelled")

    async with sessions() as s, s.begin():
        for run_id in (queued, closed):
            await runs.start_run(s, run_id, model="gpt-started", query_count=1, total_asks=3)

    async with sessions() as s:
        started, untouched = await s.get(Run, queued), await s.get(Run, closed)
    assert started is not None and untouched is not None
    assert (started.status, started.model_name, started.query_count, started.total_asks) == (
        "running",
        "gpt-started",
        1,
        3,
    )
    assert started.started_at is not None
    assert (untouched.status, untouched.model_name, untouched.started_at) == (
        "cancelled",
        "anthropic-model",
        None,
    )


async def test_finishing_a_deleted_run_raises_run_gone(sessions: Sessions) -> None:
    audit = await opened_audit(sessions, QUESTIONS[:1])
    async with sessions() as s, s.begin():
        await s.execute(delete(Run).where(Run.id == audit.runs["openai"]))
    with pytest.raises(runs.RunGone):
        await finish(sessions, audit.runs["openai"], RunStatus.COMPLETED)
