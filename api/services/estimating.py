"""`POST /audits?dry_run=true`: the calls, cost and time of an audit before it spends anything.

Built from the very request a start would make (same surfaces, mode, samples, budget and the
same refusals) and the prompts it would send; nothing is started and nothing is stored."""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas import AuditCreate, AuditEstimate
from api.schemas.audits import CostRange, SurfaceEstimateOut
from api.services.starting import Refused, audit_request
from config.settings import Settings
from db.audits import AuditRequest
from db.history import observed
from db.models import Property
from db.properties import list_queries, profile_of
from surfaces.estimate import Plan, SurfaceEstimate, estimate
from surfaces.prompts import natural_prompt, structured_prompt


def _out(e: SurfaceEstimate) -> SurfaceEstimateOut:
    return SurfaceEstimateOut(
        surface=e.surface,
        model=e.model,
        answers=e.answers,
        calls=e.calls,
        searches=e.searches,
        input_tokens=e.input_tokens,
        output_tokens=e.output_tokens,
        cost_usd=CostRange(**vars(e.cost_usd)),
        duration_s=e.duration_s,
        bound_by=e.bound_by,  # type: ignore[arg-type]
        basis=e.basis,
        assumptions=e.assumptions,
    )


async def _per_surface(
    session: AsyncSession,
    prop: Property,
    request: AuditRequest,
    questions: list[str],
    in_flight: dict[str, int],
) -> list[SurfaceEstimate]:
    """Each surface's estimate over the prompts it would be sent; the first writes the summary.
    `in_flight`: the calls an audit keeps in flight per surface, as the workflow worker plans it
    (every replica's slots, LLM_WORKERS_<S>)."""
    profile = profile_of(prop)
    natural = request.mode == "natural"
    place = request.asker_location
    sent = [
        natural_prompt(q, place) if natural else structured_prompt(profile, q, place)
        for q in questions
    ]
    # The place said in the question: a few tokens more than where a parameter carries it.
    prompts = [p.system + p.user_text(location_sent=False) for p in sent]
    estimates = []
    for index, config in enumerate(request.surfaces):
        plan = Plan(
            surface=config.name,
            model=config.model,
            prompts=prompts,
            samples=request.samples_per_query,
            natural=natural,
            web_search=request.web_search,
            writes_summary=index == 0,
            max_concurrency=in_flight[config.name],
            max_rps=config.max_rps,
        )
        seen = await observed(
            session,
            prop.id,
            config.name,
            config.model,
            request.mode,
            config.capabilities.searches(request.web_search),
        )
        estimates.append(estimate(plan, config.pricing, config.capabilities, seen))
    return estimates


async def estimate_audit(
    session: AsyncSession, settings: Settings, prop: Property, body: AuditCreate
) -> AuditEstimate:
    try:
        request = audit_request(settings, prop.id, body, None)
    except Refused as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    questions = [q.text for q in await list_queries(session, prop.id, active_only=True)]
    if not questions:
        raise HTTPException(
            status_code=409,
            detail="the property has no active queries; "
            f"POST /properties/{prop.id}/queries/generate first",
        )
    in_flight = {name: c.max_concurrency for name, c in settings.planned_surfaces().items()}
    estimates = await _per_surface(session, prop, request, questions, in_flight)
    cost = CostRange(
        low=round(sum(e.cost_usd.low for e in estimates), 6),
        expected=round(sum(e.cost_usd.expected for e in estimates), 6),
        high=round(sum(e.cost_usd.high for e in estimates), 6),
    )
    return AuditEstimate(
        property_id=prop.id,
        mode=request.mode,
        web_search=request.web_search,
        samples_per_query=request.samples_per_query,
        questions=len(questions),
        calls=sum(e.calls for e in estimates),
        cost_usd=cost,
        duration_s=max(e.duration_s for e in estimates),
        max_cost_usd=request.max_cost_usd,
        within_budget=None if request.max_cost_usd is None else cost.high <= request.max_cost_usd,
        surfaces=[_out(e) for e in estimates],
    )
