"""Finding the answers behind a figure: stored answers filtered by where they belong (property,
audit, run), who asked (persona, language), what they said (presence, an entity named, a page
cited) and how they went (status), newest audit first.

Naming an entity and citing a page are decided in Python over candidates the database narrows
down (a cited page by its host, an indexed column): names compare case-folded as whole names,
which SQLite's ASCII-only `lower()` cannot do, and URLs compare ignoring host case, a trailing
slash and a fragment.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.models import Answer, Audit, CitationRow, Run
from geo.domains import domain_of_url, normalize_domain


@dataclass(frozen=True)
class AnswerFilter:
    """Every field set narrows the answers; at least one of the three ids must be set."""

    property_id: uuid.UUID | None = None
    audit_id: uuid.UUID | None = None
    run_id: uuid.UUID | None = None
    surface: str | None = None
    query_id: uuid.UUID | None = None
    persona: str | None = None  # "" is the general panel's questions (any renter)
    language: str | None = None
    present: bool | None = None
    mentions: str | None = None
    cites: str | None = None
    status: str | None = None

    @property
    def scoped(self) -> bool:
        return any(x is not None for x in (self.property_id, self.audit_id, self.run_id))


@dataclass(frozen=True)
class FoundAnswer:
    answer: Answer
    run: Run


ORDER = (Audit.created_at.desc(), Run.surface, Answer.query_text, Answer.sample, Answer.id)


def url_key(url: str) -> str:
    """A URL as citations of the same page share it: host case, a trailing slash and the
    fragment do not tell two pages apart."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # a malformed host or port: only the very same text is the same page
        return url.strip()
    host = (parts.hostname or "") + (f":{port}" if port else "")
    return urlunsplit((parts.scheme.lower(), host, parts.path.rstrip("/"), parts.query, ""))


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def names_entity(entities: Sequence[dict[str, Any]], term: str) -> bool:
    """Whether an answer's list names `term`: the whole name (case-folded), or, for a term that
    reads as a domain, an entity on that domain."""
    name = _words(term)
    domain = normalize_domain(term) if "." in term and not any(c.isspace() for c in term) else ""
    for entity in entities:
        if _words(str(entity.get("name") or "")) == name:
            return True
        if domain and normalize_domain(str(entity.get("domain") or "")) == domain:
            return True
    return False


def _filtered(f: AnswerFilter) -> Select[Any]:
    """The answers' ids under every filter the database decides."""
    stmt = (
        select(Answer.id).join(Run, Run.id == Answer.run_id).join(Audit, Audit.id == Run.batch_id)
    )
    equal: list[tuple[Any, object]] = [
        (Run.property_id, f.property_id),
        (Run.batch_id, f.audit_id),
        (Answer.run_id, f.run_id),
        (Run.surface, f.surface),
        (Answer.query_id, f.query_id),
        (Answer.query_persona, f.persona),
        (Answer.query_language, f.language),
        (Answer.presence, f.present),
        (Answer.status, f.status),
    ]
    for column, value in equal:
        if value is not None:
            stmt = stmt.where(column == value)
    if f.present is not None:
        stmt = stmt.where(Answer.status == "ok")  # an error says nothing about presence
    if f.cites is not None:
        on_host = select(CitationRow.id).where(
            CitationRow.answer_id == Answer.id, CitationRow.domain == domain_of_url(f.cites)
        )
        # Correlated to the answer only: nested under a query on citations, it stays its own.
        on_host = on_host.correlate(Answer)
        stmt = stmt.where(on_host.exists())
    return stmt


async def _cited(session: AsyncSession, f: AnswerFilter, candidates: Select[Any]) -> set[Any]:
    """Of the candidates, the answers citing exactly the page `f.cites`."""
    want = url_key(f.cites or "")
    rows = await session.execute(
        select(CitationRow.answer_id, CitationRow.url).where(
            CitationRow.domain == domain_of_url(f.cites),
            CitationRow.answer_id.in_(candidates.scalar_subquery()),
        )
    )
    return {answer_id for answer_id, url in rows.all() if url_key(url) == want}


async def matching_ids(session: AsyncSession, f: AnswerFilter) -> list[uuid.UUID]:
    """Every matching answer's id, in the listing's order."""
    stmt = _filtered(f)
    cited = await _cited(session, f, stmt) if f.cites is not None else None
    if f.mentions is None:
        ids = list((await session.scalars(stmt.order_by(*ORDER))).all())
        return ids if cited is None else [i for i in ids if i in cited]
    rows = await session.execute(stmt.add_columns(Answer.ordered_entities).order_by(*ORDER))
    return [
        answer_id
        for answer_id, entities in rows.all()
        if (cited is None or answer_id in cited) and names_entity(entities or [], f.mentions)
    ]


async def answers_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[FoundAnswer]:
    """The answers with their citations and runs, in the order of `ids`."""
    if not ids:
        return []
    answers = await session.scalars(
        select(Answer).where(Answer.id.in_(ids)).options(selectinload(Answer.citations))
    )
    found = {a.id: a for a in answers.all()}
    runs = await session.scalars(select(Run).where(Run.id.in_({a.run_id for a in found.values()})))
    by_id = {r.id: r for r in runs.all()}
    return [FoundAnswer(found[i], by_id[found[i].run_id]) for i in ids if i in found]


async def search_page(
    session: AsyncSession, f: AnswerFilter, *, limit: int, offset: int
) -> tuple[int, list[FoundAnswer]]:
    """How many answers match in all, and one page of them."""
    if f.mentions is None and f.cites is None:
        stmt = _filtered(f)
        total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
        ids = list((await session.scalars(stmt.order_by(*ORDER).limit(limit).offset(offset))).all())
        return int(total or 0), await answers_by_ids(session, ids)
    ids = await matching_ids(session, f)
    return len(ids), await answers_by_ids(session, ids[offset : offset + limit])
