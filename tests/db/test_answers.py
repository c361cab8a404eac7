"""Recording a run's answers (db.answers): each (run, query, sample) stored once with its
citations and usage, errors counted, unusable paid calls charged once per attempt."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from contracts.asking import Usage
from db import answers
from db.models import Answer, CitationRow, Run, UnusableCall
from db.progress import Recorded
from db.runs import RunGone
from tests.factories import Sessions, block, opened_audit, store_answer, store_error

QUESTIONS = ["q one", "q two"]
# The brand first, citing its own page and a listing site's.
HIT = block(["AMLI Aero", "Vista Park"], cites=["amli.com", "apartments.com"])
USAGE = Usage(model="gpt-test", input_tokens=100, output_tokens=20, cost_usd=0.004, latency_ms=7)


async def count(sessions: Sessions, table: type[object]) -> int:
    async with sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(table)) or 0)


async def test_an_answer_is_stored_with_its_citations_usage_and_the_runs_progress(
    sessions: Sessions,
) -> None:
    audit = await opened_audit(sessions, QUESTIONS)
    recorded = await store_answer(sessions, audit.ask("q two"), HIT, USAGE)

    assert recorded == Recorded(True, 1, 0, 0.004, 0.004)
    async with sessions() as s:
        answer = await s.scalar(select(Answer))
        assert answer is not None
        assert (answer.status, answer.query_text, answer.presence, answer.llm_rank) == (
            "ok",
            "q two",
            True,
            1,
        )
        assert (answer.model_name, answer.input_tokens, answer.output_tokens) == (
            "gpt-test",
            100,
            20,
        )
        assert (answer.cost_usd, answer.latency_ms) == (0.004, 7)
        cited = (await s.execute(select(CitationRow.domain, CitationRow.is_brand_domain))).all()
        assert sorted(cited) == [("amli.com", True), ("apartments.com", False)]
        run = await s.get(Run, audit.runs["openai"])
        assert run is not None
        assert (run.answers_done, run.errors_count, run.progress_pct) == (1, 0, 50.0)
        assert (run.current_query_index, run.current_query) == (2, "q two")
        assert (run.input_tokens, run.output_tokens, run.cost_usd) == (100, 20, 0.004)


async def test_a_repeat_stores_nothing_and_reports_the_same_progress(sessions: Sessions) -> None:
    audit = await opened_audit(sessions, QUESTIONS)
    first = await store_answer(sessions, audit.ask("q one"), HIT, USAGE)
    again = await store_answer(sessions, audit.ask("q one"), HIT, USAGE)

    assert first.stored and again == replace(first, stored=False)
    assert await count(sessions, Answer) == 1
    assert await count(sessions, CitationRow) == 2
    async with sessions() as s:
        run = await s.get(Run, audit.runs["openai"])
        assert run is not None
        assert (run.answers_done, run.input_tokens, run.cost_usd) == (1, 100, 0.004)
    # Another sample of the same question is an answer of its own.
    other = await store_answer(sessions, audit.ask("q one", sample=1), HIT, USAGE)
    assert (other.stored, other.done) == (True, 2)


async def test_an_error_is_stored_once_counted_and_charged_what_it_paid(
    sessions: Sessions,
) -> None:
    audit = await opened_audit(sessions, QUESTIONS)
    await store_answer(sessions, audit.ask("q one"), HIT, USAGE)
    paid = Usage(model="gpt-test", input_tokens=50, cost_usd=0.001)
    first = await store_error(sessions, audit.ask("q two"), "HTTP 500", paid)
    again = await store_error(sessions, audit.ask("q two"), "HTTP 500", paid)

    assert (first.stored, first.done, first.errors) == (True, 1, 1)
    assert (again.stored, again.done, again.errors) == (False, 1, 1)
    assert first.run_cost_usd == pytest.approx(0.005) == again.run_cost_usd
    async with sessions() as s:
        error = await s.scalar(select(Answer).where(Answer.status == "error"))
        assert error is not None and error.error_message == "HTTP 500" and error.score is None
        run = await s.get(Run, audit.runs["openai"])
        assert run is not None
        # An answer and an error: both asks of the run are done.
        assert (run.answers_done, run.errors_count, run.progress_pct) == (1, 1, 100.0)
        assert run.input_tokens == 150


async def test_an_unusable_call_is_charged_once_per_attempt_and_returns_the_audits_cost(
    sessions: Sessions,
) -> None:
    audit = await opened_audit(sessions, QUESTIONS, ("anthropic", "openai"))
    await store_answer(sessions, audit.ask("q one", surface="anthropic"), HIT, USAGE)
    wasted = Usage(input_tokens=1000, output_tokens=10, web_searches=1, cost_usd=0.01)
    costs = []
    for attempt in (1, 1, 2):  # attempt 1 told twice (a retried charge)
        async with sessions() as s, s.begin():
            costs.append(
                await answers.record_unusable(
                    s,
                    run_id=audit.runs["openai"],
                    query_id=audit.queries["q one"],
                    sample=0,
                    phase="ask",
                    attempt=attempt,
                    usage=wasted,
                    reason="no json here",
                )
            )

    # The audit's cost: the other surface's answer and this run's two unusable calls.
    assert costs == pytest.approx([0.014, 0.014, 0.024])
    assert await count(sessions, UnusableCall) == 2
    async with sessions() as s:
        run = await s.get(Run, audit.runs["openai"])
        assert run is not None
        assert (run.cost_usd, run.wasted_cost_usd) == pytest.approx((0.02, 0.02))
        assert (run.input_tokens, run.output_tokens, run.web_searches) == (2000, 20, 2)
        assert run.answers_done == 0  # charged, not answered


async def test_recording_into_a_deleted_run_is_refused(sessions: Sessions) -> None:
    """The run's foreign key refuses the answer (RunGone when the run goes between the insert
    and the count); the activities turn either into a non-retryable NotFound."""
    audit = await opened_audit(sessions, QUESTIONS)
    async with sessions() as s, s.begin():
        await s.execute(delete(Run).where(Run.id == audit.runs["openai"]))
    with pytest.raises((IntegrityError, RunGone)):
        await store_answer(sessions, audit.ask("q one"), HIT)


async def test_each_answer_reports_its_audit_s_cost_across_its_runs(sessions: Sessions) -> None:
    """The audit's cost comes back with the statement that counts the answer: the other runs'
    costs as committed, plus this run's own after it."""
    audit = await opened_audit(sessions, QUESTIONS, ("anthropic", "openai"))
    first = await store_answer(sessions, audit.ask("q one", surface="anthropic"), HIT, USAGE)
    dearer = Usage(model="gpt-test", cost_usd=0.01)
    second = await store_answer(sessions, audit.ask("q one", surface="openai"), HIT, dearer)
    repeat = await store_answer(sessions, audit.ask("q one", surface="anthropic"), HIT, USAGE)
    error = await store_error(sessions, audit.ask("q two", surface="anthropic"), "HTTP 500", USAGE)

    assert (first.run_cost_usd, first.audit_cost_usd) == pytest.approx((0.004, 0.004))
    assert (second.run_cost_usd, second.audit_cost_usd) == pytest.approx((0.01, 0.014))
    assert not repeat.stored and repeat.audit_cost_usd == pytest.approx(0.014)
    assert (error.run_cost_usd, error.audit_cost_usd) == pytest.approx((0.008, 0.018))
