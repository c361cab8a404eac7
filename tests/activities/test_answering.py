"""Ask and store in one activity; a database that cannot take the answer never costs a rebuy."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.answering import AnsweringActivities
from activities.asking import AskingActivities
from contracts.asking import AnswerRequest
from db.engine import make_engine, make_sessionmaker
from db.models import Answer, CitationRow, Query, Run
from surfaces.base import Completion
from tests.factories import ANSWER, ScriptedSurface, answer_request, one_question_audit

Sessions = async_sessionmaker[AsyncSession]


def request(run_id: str, query_id: str) -> AnswerRequest:
    return answer_request(run_id, query_id)


def answering(sessions: Sessions, calls: int) -> tuple[AnsweringActivities, ScriptedSurface]:
    surface = ScriptedSurface(
        [Completion(text=ANSWER, model="gpt-test", input_tokens=100, output_tokens=50)] * calls
    )
    return AnsweringActivities(AskingActivities(surface), sessions), surface


async def first_query(sessions: Sessions) -> str:
    async with sessions() as s:
        return str(await s.scalar(select(Query.id)))


async def test_the_answer_is_stored_by_the_asking_activity_once(sessions: Sessions) -> None:
    _, _, run_id = await one_question_audit(sessions)
    acts, surface = answering(sessions, calls=2)
    query_id = await first_query(sessions)
    env = ActivityEnvironment()

    first = await env.run(acts.ask_and_record, request(run_id, query_id))
    again = await env.run(acts.ask_and_record, request(run_id, query_id))  # a retry after a loss

    # Only progress comes back: the answer itself stays out of the workflow's history.
    assert first.answer is None and first.recorded is not None
    assert (first.recorded.stored, first.recorded.done, first.recorded.errors) == (True, 1, 0)
    assert again.recorded is not None and (again.recorded.stored, again.recorded.done) == (
        False,
        1,
    )
    assert first.recorded.run_cost_usd > 0
    assert first.recorded.audit_cost_usd == first.recorded.run_cost_usd
    assert surface.steps == []
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Answer)) == 1
        assert await s.scalar(select(func.count()).select_from(CitationRow)) == 1
        run = await s.get(Run, uuid.UUID(run_id))
        assert run is not None and (run.answers_done, run.input_tokens) == (1, 100)


async def test_a_database_outage_hands_the_answer_back_instead_of_failing(
    sessions: Sessions,
) -> None:
    _, _, run_id = await one_question_audit(sessions)
    down = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    acts, surface = answering(make_sessionmaker(down), calls=1)

    answered = await ActivityEnvironment().run(
        acts.ask_and_record, request(run_id, await first_query(sessions))
    )

    # Bought once, not stored: the workflow stores it with the database's retry policy.
    assert surface.steps == []
    assert answered.recorded is None
    assert answered.answer is not None
    assert answered.answer.block.ordered_entities[0].name == "AMLI Aero"
    assert (answered.answer.usage.input_tokens, answered.answer.usage.output_tokens) == (100, 50)
    await down.dispose()


async def test_a_run_deleted_under_its_workflow_fails_for_good(sessions: Sessions) -> None:
    """Its audit or property was deleted: retrying the write for an hour would help no one."""
    from sqlalchemy import delete
    from temporalio.exceptions import ApplicationError

    from activities.recording import RecordingActivities
    from contracts.asking import FinishRunInput, RecordErrorInput

    audit_id, _, run_id = await one_question_audit(sessions)
    query_id = await first_query(sessions)
    async with sessions() as s, s.begin():
        await s.execute(delete(Run).where(Run.id == uuid.UUID(run_id)))
    acts, _ = answering(sessions, calls=1)
    recording = RecordingActivities(sessions)
    env = ActivityEnvironment()
    attempts = [
        env.run(acts.ask_and_record, request(run_id, query_id)),
        env.run(
            recording.record_query_error,
            RecordErrorInput(ask=request(run_id, query_id).ask, error="x"),
        ),
        env.run(recording.finish_run, FinishRunInput(run_id=run_id, status="completed")),
    ]
    for attempt in attempts:
        with pytest.raises(ApplicationError) as info:
            await attempt
        assert (info.value.type, info.value.non_retryable) == ("NotFound", True)
        assert "no longer exists" in str(info.value)
