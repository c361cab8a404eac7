"""A run as the API shows it: score, breakdown, every answer with its entities and citations."""

from __future__ import annotations

from api.schemas import AnswerPublic, RunDetail, ScorePublic
from db.models import Answer, Run, Score
from db.rows import from_row


def visibility_interval(score: Score | None) -> tuple[float, float] | None:
    """The visibility's confidence interval, when the score has one."""
    if score is None or score.visibility_ci_low is None or score.visibility_ci_high is None:
        return None
    return score.visibility_ci_low, score.visibility_ci_high


def score_public(score: Score | None) -> ScorePublic | None:
    if score is None:
        return None
    return from_row(
        ScorePublic,
        score,
        visibility_ci=visibility_interval(score),
        sentiment=score.sentiment or {},
        answered=score.answered_count,
        errors=score.error_count,
    )


def answer_public(a: Answer) -> AnswerPublic:
    return from_row(
        AnswerPublic,
        a,
        breakdown=a.breakdown or {},
        flags=a.flags or [],
        model_flags=a.model_flags or [],
        ordered_entities=a.ordered_entities or [],
        model=a.model_name,
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
    return from_row(
        RunDetail,
        run,
        run_id=run.id,
        audit_id=run.batch_id,
        model=run.model_name,
        cost_usd=round(run.cost_usd, 6),
        wasted_cost_usd=round(run.wasted_cost_usd, 6),
        score=score_with_errors(run.score, answers),
        answers=[answer_public(a) for a in answers],
    )
