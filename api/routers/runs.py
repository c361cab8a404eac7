"""Run detail: score, breakdown, every answer with its entities and citations."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException

from api.deps import SessionDep
from api.schemas import AnswerPublic, CitationPublic, RunDetail, ScorePublic
from db.models import Answer, Score
from db.runs import get_run_detail, run_answers

router = APIRouter(prefix="/runs", tags=["runs"])


def score_public(score: Score | None) -> ScorePublic | None:
    if score is None:
        return None
    return ScorePublic(
        overall_score=score.overall_score,
        weighted_score=score.weighted_score,
        visibility_pct=score.visibility_pct,
        avg_llm_rank=score.avg_llm_rank,
        avg_link_rank=score.avg_link_rank,
        avg_sov=score.avg_sov,
        breakdown=score.breakdown,
        answered=score.answered_count,
        errors=score.error_count,
    )


def answer_public(a: Answer) -> AnswerPublic:
    return AnswerPublic(
        id=a.id,
        query_id=a.query_id,
        query_text=a.query_text,
        query_type=a.query_type,
        sample=a.sample,
        status=a.status,
        error_message=a.error_message,
        presence=a.presence,
        llm_rank=a.llm_rank,
        link_rank=a.link_rank,
        sov=a.sov,
        score=a.score,
        breakdown=a.breakdown or {},
        flags=list(a.flags or []),
        answer_summary=a.answer_summary,
        ordered_entities=list(a.ordered_entities or []),
        citations=[
            CitationPublic(
                url=c.url,
                domain=c.domain,
                is_brand_domain=c.is_brand_domain,
                entity_ref=c.entity_ref,
            )
            for c in a.citations
        ],
        model=a.model_name,
        input_tokens=a.input_tokens,
        output_tokens=a.output_tokens,
        latency_ms=a.latency_ms,
        attempts=a.attempts,
    )


@router.get("/{run_id}")
async def read_run(run_id: uuid.UUID, session: SessionDep) -> RunDetail:
    run = await get_run_detail(session, run_id)
    if run is None:
        raise HTTPException(status_code=404, detail=f"run {run_id} not found")
    answers = await run_answers(session, run_id)
    return RunDetail(
        run_id=run.id,
        audit_id=run.batch_id,
        property_id=run.property_id,
        surface=run.surface,
        model=run.model_name,
        status=run.status,
        error_message=run.error_message,
        query_count=run.query_count,
        progress_pct=run.progress_pct,
        uses_web_search=run.uses_web_search,
        input_tokens=run.input_tokens,
        output_tokens=run.output_tokens,
        started_at=run.started_at,
        finished_at=run.finished_at,
        score=score_public(run.score),
        answers=[answer_public(a) for a in answers],
    )
