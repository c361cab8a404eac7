"""The portfolio rolled up by tag or region."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import CallerDep
from api.deps import SessionDep, SettingsDep
from api.schemas.portfolio import GroupBy, PortfolioOut
from api.services.portfolio import entries, portfolio_body

router = APIRouter(tags=["portfolio"])


@router.get("/portfolio")
async def read_portfolio(
    session: SessionDep,
    settings: SettingsDep,
    caller: CallerDep,
    group_by: GroupBy = "region",
    region: Annotated[
        str | None, Query(max_length=120, description="only this region (any case)")
    ] = None,
    tag: Annotated[str | None, Query(max_length=40, description="only properties with it")] = None,
) -> PortfolioOut:
    """Your properties' combined scores, visibility and alerts rolled up by region or tag:
    groups weakest first (lowest average score), properties in each weakest first. A property
    with several tags is in each tag's group. Every figure links to the runs, answers and
    workflows it came from."""
    found = await entries(session, caller, region=region, tag=tag)
    return portfolio_body(settings, found, group_by, region, tag)
