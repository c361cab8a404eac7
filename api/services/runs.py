"""A run as the API shows it: score, breakdown, every answer with its entities and citations."""

from __future__ import annotations

from api.schemas import AnswerPublic, CitationPublic, RunDetail, ScorePublic
from db.models import Answer, Run, Score


def visibility_interval(score: Score | None) -> tuple[float, float] | None:
    """The visibility's confidence interval, when the score has one."""
    if score is None or score.visibility_ci_low is None or score.visibility_ci_high is None:
        return None
    return score.visibility_ci_low, score.visibility_ci_high


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
        visibility_ci=visibility_interval(score),
        sentiment=score.sentiment or {},
        breakdown=score.breakdown,
        answered=score.answered_count,
        errors=score.error_count,
        scoring_version=score.scoring_version,
        rescored_at=score.rescored_at,
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
        model_flags=list(a.model_flags or []),
        scoring_version=a.scoring_version,
        answer_summary=a.answer_summary,
        ordered_entities=list(a.ordered_entities or []),
        citations=[CitationPublic.model_validate(c) for c in a.citations],
        sentiment=a.sentiment,
        sentiment_phrase=a.sentiment_phrase,
        analysis_method=a.analysis_method,
        natural_response=a.natural_response,
        analysis=a.analysis,
        model=a.model_name,
        input_tokens=a.input_tokens,
        output_tokens=a.output_tokens,
        web_searches=a.web_searches,
        cost_usd=a.cost_usd,
        latency_ms=a.latency_ms,
        attempts=a.attempts,
    )


def score_with_errors(score: Score | None, answers: list[Answer]) -> ScorePublic | None:
    """The run's score, with the queries that errored listed apart (never averaged in)."""
    public = score_public(score)
    if public is None:
        return None
    public.errored_queries = [
        {
            "query_id": str(a.query_id),
            "query_text": a.query_text,
            "sample": a.sample,
            "error": a.error_message,
        }
        for a in answers
        if a.status == "error"
    ]
    return public


def run_detail(run: Run, answers: list[Answer]) -> RunDetail:
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
        mode=run.mode,
        input_tokens=run.input_tokens,
        output_tokens=run.output_tokens,
        web_searches=run.web_searches,
        cost_usd=round(run.cost_usd, 6),
        wasted_cost_usd=round(run.wasted_cost_usd, 6),
        started_at=run.started_at,
        finished_at=run.finished_at,
        score=score_with_errors(run.score, answers),
        answers=[answer_public(a) for a in answers],
    )
