"""The answers behind a figure, for the API (`GET /answers`, JSON or CSV) and the dashboard's
evidence page; and the links every figure carries to them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import HTTPException, Query
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Caller
from api.exports import CsvRows
from api.lookups import audit_or_404, property_or_404, query_or_404, run_or_404
from api.schemas.answers import (
    AnswerEvidence,
    AnswerLinks,
    CitationShown,
    EntityNamed,
    QuestionAsked,
)
from api.services.links import workflow_url
from config.settings import Settings
from db.answer_search import AnswerFilter, FoundAnswer, answers_by_ids, matching_ids, search_page
from db.models import Answer
from geo.domains import domain_of_url

API_ANSWERS = "/answers"
PAGE_ANSWERS = "/app/answers"
CSV_CHUNK = 200


def answers_link(path: str = API_ANSWERS, /, **params: object) -> str:
    """`path?…` with the filters given (None left out; an empty persona kept: any renter)."""
    pairs = [(k, _param(v)) for k, v in params.items() if v is not None]
    return f"{path}?{urlencode(pairs)}"


def _param(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def filter_params(f: AnswerFilter) -> dict[str, object]:
    """The filter as query parameters, in a stable order."""
    return {k: v for k, v in vars(f).items() if v is not None}


async def answer_filter(
    property_id: uuid.UUID | None = None,
    audit_id: uuid.UUID | None = None,
    run_id: uuid.UUID | None = None,
    surface: Annotated[str | None, Query(max_length=40)] = None,
    query_id: uuid.UUID | None = None,
    persona: Annotated[
        str | None, Query(max_length=40, description="the question's persona; empty: any renter")
    ] = None,
    language: Annotated[str | None, Query(max_length=8, description="en, es, …")] = None,
    present: Annotated[bool | None, Query(description="the answer named the property")] = None,
    mentions: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="an entity named: whole name or domain"),
    ] = None,
    cites: Annotated[
        str | None, Query(min_length=1, max_length=2000, description="a page cited: its URL")
    ] = None,
    status: Literal["ok", "error"] | None = None,
) -> AnswerFilter:
    """The filters of `GET /answers` (and of the evidence page) from the query string."""
    return AnswerFilter(
        property_id=property_id,
        audit_id=audit_id,
        run_id=run_id,
        surface=surface,
        query_id=query_id,
        persona=persona,
        language=language,
        present=present,
        mentions=mentions,
        cites=cites,
        status=status,
    )


async def authorize(session: AsyncSession, caller: Caller, f: AnswerFilter) -> None:
    """422 for a search of everything or a `cites` that is no URL; 404 for any id the caller
    may not see (another organisation's is answered as unknown)."""
    if not f.scoped:
        raise HTTPException(
            status_code=422, detail="name at least one of property_id, audit_id or run_id"
        )
    host = domain_of_url(f.cites) if f.cites is not None else None
    if host is not None and ("." not in host or any(c.isspace() for c in host)):
        raise HTTPException(status_code=422, detail="cites must be a URL, such as https://…")
    if f.property_id is not None:
        await property_or_404(session, f.property_id, caller)
    if f.audit_id is not None:
        await audit_or_404(session, f.audit_id, caller)
    if f.run_id is not None:
        await run_or_404(session, f.run_id, caller)
    if f.query_id is not None:
        await query_or_404(session, f.query_id, caller)


def _entities(a: Answer) -> list[EntityNamed]:
    """The places in the answer's order, the one its rank was scored from marked the brand."""
    entities = [e for e in a.ordered_entities or [] if isinstance(e, dict)]
    return [
        EntityNamed(
            position=i,
            name=str(e.get("name") or ""),
            domain=str(e.get("domain") or ""),
            rationale=str(e.get("rationale") or ""),
            is_brand=a.llm_rank == i,
        )
        for i, e in enumerate(entities, start=1)
    ]


def evidence(settings: Settings, found: FoundAnswer) -> AnswerEvidence:
    a, run = found.answer, found.run
    focus = answers_link(PAGE_ANSWERS, run_id=run.id, query_id=a.query_id)
    return AnswerEvidence(
        id=a.id,
        property_id=run.property_id,
        audit_id=run.batch_id,
        run_id=run.id,
        surface=run.surface,
        model=a.model_name or run.model_name,
        question=QuestionAsked(
            id=a.query_id,
            text=a.query_text,
            type=a.query_type,
            weight=a.query_weight,
            persona=a.query_persona or "",
            language=a.query_language or "en",
        ),
        sample=a.sample,
        status=a.status,
        error_message=a.error_message,
        presence=a.presence,
        rank=a.llm_rank,
        link_rank=a.link_rank,
        sov=a.sov,
        score=a.score,
        ordered_entities=_entities(a),
        citations=[
            CitationShown(
                url=c.url,
                domain=c.domain,
                entity_ref=c.entity_ref,
                brand=c.is_brand_domain,
                origin=c.origin,
            )
            for c in a.citations
        ],
        flags=[str(f) for f in a.flags or []],
        sentiment=a.sentiment,
        sentiment_phrase=a.sentiment_phrase,
        answer_summary=a.answer_summary,
        analysis_method=a.analysis_method,
        text=a.natural_response or a.raw_text,
        created_at=a.created_at,
        links=AnswerLinks(
            run=f"/runs/{run.id}",
            dashboard=f"{focus}#answer-{a.id}",
            temporal_ui=workflow_url(settings, run.workflow_id),
        ),
    )


async def search(
    session: AsyncSession,
    caller: Caller,
    settings: Settings,
    f: AnswerFilter,
    *,
    limit: int,
    offset: int,
) -> tuple[int, list[AnswerEvidence]]:
    """How many answers match in all, and one page of them (404/422 as `authorize` says)."""
    await authorize(session, caller, f)
    total, page = await search_page(session, f, limit=limit, offset=offset)
    return total, [evidence(settings, found) for found in page]


CSV_HEADER = (
    "answer_id",
    "property_id",
    "audit_id",
    "run_id",
    "surface",
    "model",
    "query_id",
    "question",
    "question_type",
    "persona",
    "language",
    "sample",
    "status",
    "error_message",
    "presence",
    "rank",
    "link_rank",
    "sov",
    "score",
    "entities",
    "brand_entity",
    "citations",
    "brand_citations",
    "flags",
    "sentiment",
    "answer_summary",
    "created_at",
    "temporal_ui",
)


def csv_row(e: AnswerEvidence) -> Sequence[object]:
    """One answer flattened: entities in order and citations joined with '; '."""
    brand = next((x.name for x in e.ordered_entities if x.is_brand), None)
    q = e.question
    return (
        *(e.id, e.property_id, e.audit_id, e.run_id, e.surface, e.model),
        *(q.id, q.text, q.type, q.persona, q.language, e.sample, e.status, e.error_message),
        *(e.presence, e.rank, e.link_rank, e.sov, e.score),
        [x.name for x in e.ordered_entities],
        brand,
        [c.url for c in e.citations],
        [c.url for c in e.citations if c.brand],
        e.flags,
        *(e.sentiment, e.answer_summary, e.created_at, e.links.temporal_ui),
    )


def csv_rows(settings: Settings, f: AnswerFilter) -> CsvRows:
    """Every matching answer as a CSV row, read a chunk at a time in the stream's own session
    (the caller was authorised before the response started)."""

    async def rows(session: AsyncSession) -> AsyncIterator[Sequence[object]]:
        ids = await matching_ids(session, f)
        for start in range(0, len(ids), CSV_CHUNK):
            for found in await answers_by_ids(session, ids[start : start + CSV_CHUNK]):
                yield csv_row(evidence(settings, found))
            session.expunge_all()  # a long export keeps one chunk in memory, not all of them

    return rows


def answers_filename(f: AnswerFilter) -> str:
    scope = f.run_id or f.audit_id or f.property_id
    return f"answers-{scope}.csv"
