"""What an answer costs: tokens and web searches at the surface's prices, and the paid calls
whose answer was unusable, which count in the run's cost and the audit's budget."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.answering import AnsweringActivities
from activities.asking import AskingActivities
from activities.paid_calls import UnusableCall
from activities.recording import unusable_charger
from contracts.asking import Usage
from db import answers
from db.models import Answer, Query, Run
from db.models import UnusableCall as UnusableRow
from surfaces.base import Completion
from surfaces.capabilities import model_info
from tests.factories import ANSWER, PRICES, ScriptedSurface, answer_request, one_question_audit

Sessions = async_sessionmaker[AsyncSession]


def test_web_searches_are_priced_per_model_family() -> None:
    plain = Completion(text="", model="m", input_tokens=1_000_000, output_tokens=0)
    searched = plain.model_copy(update={"web_searches": 3})
    assert PRICES.cost_usd(1_000_000, 0) == pytest.approx(2.0)
    assert PRICES.cost_usd(plain.input_tokens, 0, searched.web_searches) == pytest.approx(
        2.0 + 3 * 10.0 / 1000
    )
    # The providers' list prices per thousand searches, as the table holds them.
    per_k = {m: model_info(m).search_per_k for m in ("gpt-5.5", "gpt-4o", "claude-sonnet-5-5")}
    assert per_k == {"gpt-5.5": 10.0, "gpt-4o": 25.0, "claude-sonnet-5-5": 10.0}
    assert model_info("sonar").search_per_k == 8.0 and model_info("gemini-3-pro").search_per_k == 35


async def test_an_unusable_answer_is_charged_to_its_run(sessions: Sessions) -> None:
    _, _, run_id = await one_question_audit(sessions)
    async with sessions() as s:
        query_id = str(await s.scalar(select(Query.id)))
    bad = Completion(text="no json here", model="gpt-test", input_tokens=1000, output_tokens=50)
    good = Completion(text=ANSWER, model="gpt-test", input_tokens=1200, output_tokens=300)
    charged: list[UnusableCall] = []
    charge = unusable_charger(sessions)

    async def record(call: UnusableCall) -> None:
        charged.append(call)
        await charge(call)

    asking = AskingActivities(
        ScriptedSurface([bad, bad, good]),
        pricing=PRICES,
        charge_unusable=record,
    )
    acts = AnsweringActivities(asking, sessions)
    req = answer_request(run_id, query_id)
    env = ActivityEnvironment()
    for attempt in (1, 2):
        env.info = dataclasses.replace(env.info, attempt=attempt)
        with pytest.raises(ApplicationError, match="unusable answer"):
            await env.run(acts.ask_and_record, req)
    # The same attempt told twice (a retried charge) is charged once.
    await charge(charged[-1])
    env.info = dataclasses.replace(env.info, attempt=3)
    answered = await env.run(acts.ask_and_record, req)

    wasted = 2 * (1000 * 2.0 + 50 * 10.0) / 1e6
    answer_cost = (1200 * 2.0 + 300 * 10.0) / 1e6
    assert [(c.attempt, c.charge.phase) for c in charged] == [(1, "ask"), (2, "ask")]
    assert answered.recorded is not None
    # The budget sees what the unusable answers cost, not only the answer it got.
    assert answered.recorded.audit_cost_usd == pytest.approx(wasted + answer_cost)
    async with sessions() as s:
        run = await s.get(Run, uuid.UUID(run_id))
        assert run is not None
        assert run.cost_usd == pytest.approx(wasted + answer_cost)
        assert run.wasted_cost_usd == pytest.approx(wasted)
        assert run.input_tokens == 3200
        assert await s.scalar(select(func.count()).select_from(UnusableRow)) == 2
        answer = await s.scalar(select(Answer))
        assert answer is not None and answer.cost_usd == pytest.approx(answer_cost)


async def test_a_failed_natural_question_still_counts_its_first_phase(sessions: Sessions) -> None:
    _, _, run_id = await one_question_audit(sessions)
    async with sessions() as s:
        query_id = await s.scalar(select(Query.id))
    assert query_id is not None
    async with sessions() as s, s.begin():
        await answers.record_error(
            s,
            answer_request(run_id, str(query_id)).ask,
            error="extraction failed",
            usage=Usage(model="gpt-test", input_tokens=400, output_tokens=900, cost_usd=0.01),
        )
    async with sessions() as s:
        run = await s.get(Run, uuid.UUID(run_id))
        assert run is not None and run.cost_usd == pytest.approx(0.01) and run.errors_count == 1
