"""What tests build on: rows written through the same data-access functions the activities use
(a property with its panel, closed audits whose answers were scored by today's rules, a
one-question audit), and a surface that answers as scripted."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.asking import AnswerRequest, Ask, Usage
from contracts.audit import QuerySpec
from contracts.status import FINAL_AUDIT_STATUSES, FINAL_RUN_STATUSES
from db import answers, audits, runs
from db.analysis import brand_of, store_once, surface_facts
from db.models import Audit, Property, Query
from db.progress import Recorded
from db.properties import add_queries
from geo.answer import AnswerBlock, Citation, Entity
from geo.insights import analyze_batch
from geo.panel import PanelQuery
from geo.profile import BrandContext, PropertyProfile
from geo.scoring import score_answer
from surfaces.base import Completion, Prompt
from surfaces.capabilities import ModelInfo
from surfaces.config import SurfaceConfig

Sessions = async_sessionmaker[AsyncSession]
BRAND = {"name": "AMLI Aero", "brand_domains": ["amli.com"], "city": "San Diego", "state": "CA"}


def block(
    names: list[str], cites: Sequence[str] = (), summary: str = "Several places fit."
) -> AnswerBlock:
    """An answer listing `names` (domains made from them) and citing one page per domain."""
    return AnswerBlock(
        ordered_entities=[
            Entity(name=n, domain=_domain(n), position=i + 1) for i, n in enumerate(names)
        ],
        citations=[Citation(url=f"https://www.{d}/page", domain=d) for d in cites],
        answer_summary=summary,
    )


def surface(name: str, model: str | None = None) -> SurfaceConfig:
    """A surface as the settings would configure it (its model named after it by default)."""
    return SurfaceConfig(name=name, provider="openai", model=model or f"{name}-model")


def _domain(name: str) -> str:
    return "amli.com" if name == "AMLI Aero" else name.lower().replace(" ", "") + ".com"


async def new_property(sessions: Sessions, questions: list[str], **fields: object) -> uuid.UUID:
    async with sessions() as s, s.begin():
        prop = Property(**{**BRAND, **fields})
        s.add(prop)
        await s.flush()
        await add_queries(
            s,
            prop,
            [PanelQuery(text=q, type="category", weight=1.0) for q in questions],
            generated=True,
        )
        return prop.id


@dataclass
class AuditSpec:
    """One audit: per surface, the answer to each question (by text)."""

    answers: dict[str, dict[str, AnswerBlock]]
    status: str = "completed"
    created_at: datetime | None = None
    summary: dict[str, object] | None = None
    run_status: dict[str, str] = field(default_factory=dict)


async def new_audit(sessions: Sessions, property_id: uuid.UUID, spec: AuditSpec) -> uuid.UUID:
    """An audit with its runs and scored answers; closed (with its analysis) unless its status
    says it is still open."""
    audit_id = uuid.uuid4()
    surfaces = list(spec.answers)
    async with sessions() as s, s.begin():
        questions = {
            q.text: q.id
            for q in await s.scalars(select(Query).where(Query.property_id == property_id))
        }
        audit = await audits.open_audit(
            s,
            audits.AuditRequest(
                audit_id=audit_id,
                property_id=property_id,
                surfaces=[surface(x) for x in surfaces],
            ),
        )
        run_ids = {r.surface: r.id for r in audit.runs}
        brand = await brand_of(s, property_id)
    for name, by_question in spec.answers.items():
        async with sessions() as s, s.begin():
            for index, (text, answer) in enumerate(by_question.items(), start=1):
                query = QuerySpec(
                    query_id=str(questions[text]), text=text, type="category", index=index
                )
                await answers.record_answer(
                    s,
                    Ask(run_id=str(run_ids[name]), query=query, total_asks=len(by_question)),
                    block=answer,
                    scored=score_answer(answer, brand),
                    usage=Usage(
                        model=f"{name}-model", input_tokens=100, output_tokens=50, cost_usd=0.001
                    ),
                    raw_text=answer.model_dump_json(),
                )
    closed = spec.status in FINAL_AUDIT_STATUSES
    async with sessions() as s, s.begin():
        for name, run_id in run_ids.items():
            status = spec.run_status.get(name, "completed" if closed else "running")
            if status in FINAL_RUN_STATUSES:
                await runs.finish_run(s, run_id, status=status, error_message=None)
            else:
                await runs.start_run(s, run_id, model="m", query_count=1, total_asks=1)
        values: dict[str, object] = {"status": spec.status}
        if spec.created_at is not None:
            values["created_at"] = spec.created_at
        if spec.summary is not None:
            values["summary"] = spec.summary
        await s.execute(update(Audit).where(Audit.id == audit_id).values(**values))
    if closed:
        async with sessions() as s, s.begin():
            stored = await audits.get_audit(s, audit_id)
            assert stored is not None
            analysis = analyze_batch(await surface_facts(s, stored), await brand_of(s, property_id))
            await store_once(s, audit_id, "insights", analysis.model_dump(mode="json"))
    return audit_id


def brand() -> BrandContext:
    return BrandContext(name=str(BRAND["name"]), domains=["amli.com"])


def answer_request(
    run_id: str, query_id: str, *, surface: str = "openai", text: str = "q one"
) -> AnswerRequest:
    """Ask the first question of a run once (structured mode, the AMLI Aero profile)."""
    return AnswerRequest(
        surface=surface,
        ask=Ask(
            run_id=run_id,
            query=QuerySpec(query_id=query_id, text=text, type="branded", index=1),
            total_asks=1,
        ),
        profile=PropertyProfile(name="AMLI Aero", brand_domains=["amli.com"]),
    )


ANSWER = json.dumps(
    {
        "ordered_entities": [{"name": "AMLI Aero", "domain": "amli.com", "position": 1}],
        "citations": [{"url": "https://amli.com/aero", "domain": "amli.com"}],
        "answer_summary": "AMLI Aero leads.",
    }
)
# Dollars per million input and output tokens, and per thousand web searches.
PRICES = ModelInfo("test", "max_tokens", True, True, 2.0, 10.0, 10.0)


class ScriptedSurface:
    """Answers (or fails) as scripted, one step per call."""

    name = "openai"
    model = "gpt-test"

    def __init__(self, steps: list[Completion | Exception]) -> None:
        self.steps = steps

    async def complete(self, prompt: Prompt) -> Completion:
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    async def close(self) -> None:
        pass


async def one_question_audit(sessions: Sessions) -> tuple[str, str, str]:
    """A one-question audit on the openai surface: (audit id, property id, run id)."""
    async with sessions() as s, s.begin():
        prop = Property(name="AMLI Aero", brand_domains=["amli.com"])
        s.add(prop)
        await s.flush()
        s.add(Query(property_id=prop.id, text="q one", text_key="q one", type="branded"))
        audit_id = uuid.uuid4()
        audit = await audits.open_audit(
            s,
            audits.AuditRequest(
                audit_id=audit_id, property_id=prop.id, surfaces=[surface("openai")]
            ),
        )
        return str(audit_id), str(prop.id), str(audit.runs[0].id)


@dataclass(frozen=True)
class OpenedAudit:
    """An audit just opened over a property's panel: its runs by surface, its questions by
    text (in panel order)."""

    audit_id: uuid.UUID
    property_id: uuid.UUID
    runs: dict[str, uuid.UUID]
    queries: dict[str, uuid.UUID]

    def ask(self, text: str, *, surface: str = "openai", sample: int = 0) -> Ask:
        """The ask of one question of one run, counting every question once toward its total."""
        index = list(self.queries).index(text) + 1
        query = QuerySpec(query_id=str(self.queries[text]), text=text, type="category", index=index)
        return Ask(
            run_id=str(self.runs[surface]), query=query, sample=sample, total_asks=len(self.queries)
        )


async def opened_audit(
    sessions: Sessions, questions: list[str], surfaces: tuple[str, ...] = ("openai",)
) -> OpenedAudit:
    """A property with `questions` and a queued audit over them, one run per surface."""
    property_id = await new_property(sessions, questions)
    async with sessions() as s, s.begin():
        audit = await audits.open_audit(
            s,
            audits.AuditRequest(property_id=property_id, surfaces=[surface(x) for x in surfaces]),
        )
        ids = {
            q.text: q.id
            for q in await s.scalars(
                select(Query).where(Query.property_id == property_id).order_by(Query.position)
            )
        }
        return OpenedAudit(audit.id, property_id, {r.surface: r.id for r in audit.runs}, ids)


async def store_answer(
    sessions: Sessions, ask: Ask, answer: AnswerBlock, usage: Usage | None = None
) -> Recorded:
    """Score `answer` for the AMLI Aero brand and record it in a transaction of its own."""
    async with sessions() as s, s.begin():
        return await answers.record_answer(
            s,
            ask,
            block=answer,
            scored=score_answer(answer, brand()),
            usage=usage or Usage(model="m"),
            raw_text=answer.model_dump_json(),
        )


async def store_error(
    sessions: Sessions, ask: Ask, error: str = "HTTP 500", usage: Usage | None = None
) -> Recorded:
    async with sessions() as s, s.begin():
        return await answers.record_error(s, ask, error=error, usage=usage or Usage())
