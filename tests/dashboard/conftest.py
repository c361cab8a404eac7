"""The dashboard in this process, on tests/api's app (`_serving`: a migrated SQLite file, no
Temporal behind it): open (`api`, no key, everyone is the admin) or behind
PROPERTYAUDIT_API_KEY (`keyed`); what a browser does first (read the form's CSRF token, sign in);
and rows put in or read from the app's database."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select

from db.models import Property, Query
from tests.api.conftest import KEY, Api, _serving, api
from tests.factories import AuditSpec, Sessions, new_audit, new_property

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@contextmanager
def dashboard(tmp_path: Path, **settings: Any) -> Iterator[Api]:
    """The app with these settings (over the defaults) on a fresh database in `tmp_path`."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'dashboard.db'}"
    with _serving(url, **settings) as client:
        yield Api(client, url)


@pytest.fixture
def keyed(tmp_path: Path) -> Iterator[Api]:
    """The dashboard behind PROPERTYAUDIT_API_KEY (KEY): signed in with it or an org's key."""
    with dashboard(tmp_path, propertyaudit_api_key=KEY) as app:
        yield app


# --- as a browser ---------------------------------------------------------------------------


def csrf_in(html: str) -> str:
    """The session's CSRF token, as a page puts it in its forms."""
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def csrf_of(client: TestClient, path: str = "/app/properties/new") -> str:
    """The CSRF token of the page at `path` (which must answer 200)."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    return csrf_in(page.text)


def signing_in(client: TestClient, key: str = KEY, next_path: str = "/") -> Response:
    token = csrf_of(client, "/login")
    return client.post(
        "/login", data={"key": key, "csrf": token, "next": next_path}, follow_redirects=False
    )


def sign_in(client: TestClient, key: str = KEY) -> int:
    return signing_in(client, key).status_code


# --- the app's database ---------------------------------------------------------------------


def seed_property(
    app: Api, questions: list[str], audits: Iterable[AuditSpec] = (), **fields: object
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A property with these questions (and `fields` over the factory's profile), audited once
    per spec in the order given: its id and its audits' ids."""

    async def make(sessions: Sessions) -> tuple[uuid.UUID, list[uuid.UUID]]:
        prop = await new_property(sessions, questions, **fields)
        return prop, [await new_audit(sessions, prop, spec) for spec in audits]

    made: tuple[uuid.UUID, list[uuid.UUID]] = app.seed(make)
    return made


def count(app: Api, model: Any, *where: Any) -> int:
    async def run(sessions: Sessions) -> int:
        async with sessions() as s:
            return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    result: int = app.seed(run)
    return result


def questions_of(app: Api, property_id: uuid.UUID) -> dict[str, uuid.UUID]:
    async def run(sessions: Sessions) -> dict[str, uuid.UUID]:
        async with sessions() as s:
            rows = await s.scalars(select(Query).where(Query.property_id == property_id))
            return {q.text: q.id for q in rows}

    result: dict[str, uuid.UUID] = app.seed(run)
    return result


def property_named(app: Api, name: str) -> Property:
    async def run(sessions: Sessions) -> Property:
        async with sessions() as s:
            prop = await s.scalar(select(Property).where(Property.name == name))
            assert prop is not None
            return prop

    result: Property = app.seed(run)
    return result


def org_of(app: Api, property_id: uuid.UUID) -> uuid.UUID | None:
    async def run(sessions: Sessions) -> uuid.UUID | None:
        async with sessions() as s:
            return await s.scalar(select(Property.org_id).where(Property.id == property_id))

    result: uuid.UUID | None = app.seed(run)
    return result


# `api`: the open app of tests/api, for the tests here too.
__all__ = ["KEY", "Api", "api", "keyed"]
