"""The portfolio at `/`, signing in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.dashboard.access import ViewerDep, checked_form, keyless, sign_in, sign_out
from api.dashboard.portfolio import GROUPINGS, SORT_KEYS, Grouping, SortKey, portfolio
from api.dashboard.templating import render
from api.deps import SessionDep, SettingsDep

router = APIRouter()


def _local(path: str) -> str:
    """Only a path of this site to go back to after signing in (no open redirect)."""
    return path if path.startswith("/") and not path.startswith("//") else "/"


@router.get("/", response_class=HTMLResponse)
async def portfolio_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    caller: ViewerDep,
    q: Annotated[str, Query(max_length=100)] = "",
    sort: SortKey = "name",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    group: Grouping = "region",
) -> HTMLResponse:
    rows, groups = await portfolio(
        session, settings, caller, text=q, sort=sort, descending=order == "desc", group=group
    )
    return render(
        request,
        "portfolio.html",
        rows=rows,
        groups=groups,
        q=q,
        sort=sort,
        order=order,
        group=group,
        groupings=GROUPINGS,
        sort_keys=SORT_KEYS,
    )


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str = "/") -> Response:
    if keyless(request):
        return RedirectResponse("/", status_code=303)
    return render(request, "login.html", next_path=_local(next), error=None)


@router.post("/login", dependencies=[Depends(checked_form)])
async def login(
    request: Request,
    key: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    if keyless(request):
        return RedirectResponse("/", status_code=303)
    if await sign_in(request, key.strip()) is None:
        return render(
            request, "login.html", 401, next_path=_local(next), error="That key is not valid."
        )
    return RedirectResponse(_local(next), status_code=303)


@router.post("/logout", dependencies=[Depends(checked_form)])
async def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)
