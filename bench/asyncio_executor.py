"""The same audit without Temporal: the non-durable lower bound, and the seed's executor.

With concurrency 1 per surface this is the system we replace (each surface one task asking its
questions one after another); with the worker's concurrency it is the best a plain asyncio
process could do with the same simulator, adapters, parsing, scoring and database writes.
"""

from __future__ import annotations

import asyncio
import time
import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.asking import Ask, Usage
from contracts.audit import QuerySpec
from db import answers, audits, runs
from geo.answer import coerce_answer_block, extract_json_object
from geo.profile import PropertyProfile, brand_context
from geo.scoring import score_answer
from surfaces.base import Surface
from surfaces.config import SurfaceConfig
from surfaces.prompts import structured_prompt


async def run_audit(
    sessions: async_sessionmaker[AsyncSession],
    property_id: uuid.UUID,
    profile: PropertyProfile,
    queries: list[tuple[uuid.UUID, str, str, float]],
    surfaces: dict[str, Surface],
    concurrency: int,
) -> float:
    """Ask every question on every surface, record each answer; returns the wall seconds."""
    audit_id = uuid.uuid4()
    async with sessions() as session, session.begin():
        audit = await audits.open_audit(
            session,
            audits.AuditRequest(
                audit_id=audit_id,
                property_id=property_id,
                surfaces=[
                    SurfaceConfig(name=s, provider="openai", model=a.model)
                    for s, a in surfaces.items()
                ],
            ),
        )
        run_ids = {r.surface: r.id for r in audit.runs}
    brand = brand_context(profile)

    async def surface_task(name: str, adapter: Surface) -> None:
        gate = asyncio.Semaphore(concurrency)

        async def one(index: int, query: tuple[uuid.UUID, str, str, float]) -> None:
            query_id, text, qtype, weight = query
            async with gate:
                completion = await adapter.complete(structured_prompt(profile, text))
            block = coerce_answer_block(extract_json_object(completion.text))
            scored = score_answer(block, brand)
            async with sessions() as session, session.begin():
                spec = QuerySpec(
                    query_id=str(query_id), text=text, type=qtype, weight=weight, index=index
                )
                await answers.record_answer(
                    session,
                    Ask(run_id=str(run_ids[name]), query=spec, total_asks=len(queries)),
                    block=block,
                    scored=scored,
                    usage=Usage(
                        model=completion.model,
                        input_tokens=completion.input_tokens,
                        output_tokens=completion.output_tokens,
                    ),
                    raw_text=completion.text,
                )

        await asyncio.gather(*(one(i, q) for i, q in enumerate(queries, start=1)))
        async with sessions() as session, session.begin():
            await runs.finish_run(session, run_ids[name], status="completed", error_message=None)

    started = time.perf_counter()
    await asyncio.gather(*(surface_task(n, a) for n, a in surfaces.items()))
    return time.perf_counter() - started
