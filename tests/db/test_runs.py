"""Recording against a real database: an answer recorded twice is stored once."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from contracts.asking import Ask, Usage
from contracts.audit import QuerySpec
from db import answers, audits, runs
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade_head_async
from db.models import Answer, CitationRow, Property, Query, Run, Score
from geo.answer import AnswerBlock, Citation, Entity
from geo.profile import BrandContext
from geo.scoring import score_answer
from tests.factories import surface


def ask(run: uuid.UUID, query: uuid.UUID, text: str, kind: str, weight: float, index: int) -> Ask:
    spec = QuerySpec(query_id=str(query), text=text, type=kind, weight=weight, index=index)
    return Ask(run_id=str(run), query=spec, total_asks=2)


async def test_record_answer_is_idempotent_and_finish_scores(database_url: str) -> None:
    await upgrade_head_async(database_url)
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as s, s.begin():
            prop = Property(name="AMLI Aero", brand_domains=["amli.com"])
            s.add(prop)
            await s.flush()
            q1 = Query(property_id=prop.id, text="q one", text_key="q one", type="branded")
            q2 = Query(property_id=prop.id, text="q two", text_key="q two", type="local")
            s.add_all([q1, q2])
            audit_id = uuid.uuid4()
            audit = await audits.open_audit(
                s,
                audits.AuditRequest(
                    audit_id=audit_id, property_id=prop.id, surfaces=[surface("openai")]
                ),
            )
            run_id = audit.runs[0].id
            q1_id, q2_id = q1.id, q2.id
        block = AnswerBlock(
            ordered_entities=[Entity(name="AMLI Aero", domain="amli.com", position=1)],
            citations=[
                Citation(url="https://amli.com/a", domain="amli.com"),
                Citation(url="https://x.com/b", domain="x.com"),
            ],
        )
        scored = score_answer(block, BrandContext(name="AMLI Aero", domains=["amli.com"]))
        stored = []
        for _ in range(2):
            async with sessions() as s, s.begin():
                stored.append(
                    await answers.record_answer(
                        s,
                        ask(run_id, q1_id, "q one", "branded", 1.5, 1),
                        block=block,
                        scored=scored,
                        usage=Usage(model="m", input_tokens=10, output_tokens=20, latency_ms=5),
                        raw_text="{}",
                    )
                )
        # The repeat stores nothing and reports the same progress.
        assert [(r.stored, r.done, r.errors) for r in stored] == [(True, 1, 0), (False, 1, 0)]
        errors = []
        for _ in range(2):
            async with sessions() as s, s.begin():
                errors.append(
                    await answers.record_error(
                        s,
                        ask(run_id, q2_id, "q two", "local", 1.0, 2),
                        error="HTTP 500",
                    )
                )
        assert [(r.stored, r.done, r.errors) for r in errors] == [(True, 1, 1), (False, 1, 1)]
        async with sessions() as s, s.begin():
            assert await s.scalar(select(func.count()).select_from(Answer)) == 2
            assert await s.scalar(select(func.count()).select_from(CitationRow)) == 2
            run = await s.get(Run, run_id)
            assert run is not None
            assert (run.answers_done, run.errors_count, run.progress_pct) == (1, 1, 100.0)
            assert (run.input_tokens, run.output_tokens) == (10, 20)
            closed, score = await runs.finish_run(s, run_id, status="completed", error_message=None)
        assert closed.status == "completed"
        async with sessions() as s, s.begin():  # a retried finish changes nothing
            again_run, again_score = await runs.finish_run(
                s, run_id, status="completed", error_message=None
            )
            assert await s.scalar(select(func.count()).select_from(Score)) == 1
        assert again_score.overall_score == score.overall_score
        assert (score.answered, score.errors) == (1, 1)
        assert score.overall_score == scored.score  # the error is not averaged in as a zero
        async with sessions() as s, s.begin():
            status, recorded = await audits.complete_batch(s, audit_id)
            again = await audits.complete_batch(s, audit_id)
        assert (status, recorded) == ("completed", True)
        assert again == ("completed", False)
    finally:
        await engine.dispose()
