"""WeeklyDigest on the in-process dev server with the real database activities: the digest
holds the latest audit against the one before, reaches the receiver exactly once in the
property's format, is skipped without a webhook and refused for good toward an internal one;
its Schedule, made through the API, starts it once when triggered."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.digest import DigestActivities
from api.main import create_app
from config.egress import EgressPolicy
from config.settings import Settings
from contracts.digest import DigestInput, DigestResult, digest_schedule_id
from contracts.names import TASK_QUEUE
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade_head
from geo.digest import Digest
from geo.notify import Links
from tests.factories import AuditSpec, Sessions, block, new_audit, new_property
from tests.webhooks import LOOPBACK, receiving, slack_errors, teams_errors
from tests.workflows.steering import eventually, queue
from workflows.digest import WeeklyDigestWorkflow

QUESTIONS = [f"Question {i}" for i in range(4)]
LINKS = Links("https://audit.example.com", "https://temporal.example.com")


def audit(present: int, days_ago: float) -> AuditSpec:
    """Four questions, the brand named in the first `present` answers, Vista Park in all."""
    hit, miss = block(["AMLI Aero", "Vista Park"]), block(["Vista Park", "Modera"])
    answers = {q: (hit if i < present else miss) for i, q in enumerate(QUESTIONS)}
    return AuditSpec(
        answers={"openai": answers, "claude": answers},
        created_at=datetime.now(UTC) - timedelta(days=days_ago),
    )


async def two_audits(sessions: Sessions, **fields: Any) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A property with an audit ten days ago (named everywhere) and one yesterday (a quarter)."""
    pid = await new_property(sessions, QUESTIONS, **fields)
    return pid, [
        await new_audit(sessions, pid, audit(4, 10)),
        await new_audit(sessions, pid, audit(1, 1)),
    ]


@asynccontextmanager
async def digest_worker(
    client: Client, sessions: Sessions, egress: EgressPolicy = LOOPBACK, task_queue: str = ""
) -> AsyncIterator[str]:
    task_queue = task_queue or queue()
    acts = DigestActivities(sessions, egress, LINKS)
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[WeeklyDigestWorkflow],
        activities=[acts.build_digest, acts.send_digest],
    ):
        yield task_queue


async def run_digest(client: Client, sessions: Sessions, pid: uuid.UUID, **kw: Any) -> DigestResult:
    async with digest_worker(client, sessions, **kw) as task_queue:
        return await client.execute_workflow(
            WeeklyDigestWorkflow.run,
            DigestInput(property_id=str(pid)),
            id=f"digest-test-{uuid.uuid4()}",
            task_queue=task_queue,
        )


async def test_the_digest_compares_the_latest_audit_with_the_one_before(
    client: Client, sessions: Sessions
) -> None:
    with receiving() as receiver:
        pid, (first, latest) = await two_audits(sessions, alert_webhook_url=receiver.url)
        result = await run_digest(client, sessions, pid)
    assert result.sent and result.format == "json" and result.latest_audit_id == str(latest)
    (body,) = receiver.bodies
    digest = Digest.model_validate(body)
    assert digest.digest_id == result.digest_id  # the run's id: a receiver can drop a repeat
    assert (
        digest.latest and digest.latest.audit_id,
        digest.previous and digest.previous.audit_id,
    ) == (
        str(latest),
        str(first),
    )
    assert digest.visibility_change == -75.0 and digest.audits_this_week == 1
    assert {s.surface: s.visibility_change for s in digest.surfaces} == {
        "claude": -75.0,
        "openai": -75.0,
    }
    assert digest.top_competitors[0].name == "Vista Park"
    assert "Low visibility" in [b.title for b in digest.banners]
    assert digest.links["dashboard"] == f"https://audit.example.com/app/properties/{pid}"
    assert digest.links["temporal"].endswith(f"/workflows/audit-{latest}")


@pytest.mark.parametrize("fmt", ["slack", "teams"])
async def test_the_digest_is_sent_once_in_the_property_s_format(
    client: Client, sessions: Sessions, fmt: str
) -> None:
    with receiving() as receiver:
        pid, _ = await two_audits(
            sessions,
            name="AMLI Aero <!channel> &",
            alert_webhook_url=receiver.url,
            alert_format=fmt,
        )
        result = await run_digest(client, sessions, pid)
    assert result.sent and result.format == fmt
    (body,) = receiver.bodies
    assert (slack_errors if fmt == "slack" else teams_errors)(body) == []


async def test_no_webhook_no_digest(client: Client, sessions: Sessions) -> None:
    pid, _ = await two_audits(sessions)
    result = await run_digest(client, sessions, pid)
    assert not result.sent and "no alert_webhook_url" in result.skipped


async def test_an_internal_receiver_fails_the_digest_at_once(
    client: Client, sessions: Sessions
) -> None:
    with receiving() as receiver:
        pid, _ = await two_audits(sessions, alert_webhook_url=receiver.url)
        with pytest.raises(WorkflowFailureError) as failed:
            await run_digest(client, sessions, pid, egress=EgressPolicy())
    activity_error = failed.value.cause
    assert isinstance(activity_error, ActivityError)
    refused = activity_error.cause
    assert isinstance(refused, ApplicationError) and refused.type == "WebhookRefused"
    assert refused.non_retryable
    assert receiver.bodies == []


@pytest.fixture
def stack(tmp_path: Path, workflow_env: WorkflowEnvironment) -> Iterator[tuple[TestClient, str]]:
    """The API on a SQLite file, talking to the tests' dev server; loopback webhooks allowed."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'digest.db'}"
    upgrade_head(url)
    settings = Settings(
        database_url=url,
        temporal_address=workflow_env.client.service_client.config.target_host,
        webhook_allow=["127.0.0.1/32"],
    )
    with TestClient(create_app(settings)) as api:
        yield api, url


async def test_the_schedule_made_through_the_api_sends_one_digest_when_triggered(
    client: Client, stack: tuple[TestClient, str]
) -> None:
    api, url = stack
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with receiving() as receiver:
        pid = str(
            await new_property(
                sessions, QUESTIONS, alert_webhook_url=receiver.url, alert_format="teams"
            )
        )
        await new_audit(sessions, uuid.UUID(pid), audit(2, 1))
        asked = {"weekday": "monday", "hour": 8, "timezone": "Europe/Madrid"}
        schedule = api.put(f"/properties/{pid}/digest", json=asked)
        assert schedule.status_code == 200, schedule.text
        shown = schedule.json()
        assert shown["schedule_id"] == digest_schedule_id(pid) and shown["last_run"] is None
        for at in shown["next_run_times"]:
            local = datetime.fromisoformat(at).astimezone(ZoneInfo("Europe/Madrid"))
            assert (local.weekday(), local.hour, local.minute) == (0, 8, 0)

        async with digest_worker(client, sessions, task_queue=TASK_QUEUE):
            await client.get_schedule_handle(digest_schedule_id(pid)).trigger()
            run = await eventually(
                "the schedule started a digest",
                lambda: api.get(f"/properties/{pid}/digest").json()["last_run"],
            )
            result = await client.get_workflow_handle(run["workflow_id"]).result()
        assert DigestResult.model_validate(result).sent
        assert len(receiver.bodies) == 1 and teams_errors(receiver.bodies[0]) == []
        assert api.get(f"/properties/{pid}/digest").json()["digests_started"] == 1

        assert api.delete(f"/properties/{pid}/digest").status_code == 204
        assert api.get(f"/properties/{pid}/digest").status_code == 404
    await engine.dispose()


async def test_send_now_starts_one_digest(client: Client, stack: tuple[TestClient, str]) -> None:
    api, url = stack
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with receiving() as receiver:
        made = api.post(
            "/properties",
            json={"name": "AMLI Aero", "alert_webhook_url": receiver.url, "alert_format": "slack"},
        )
        pid = made.json()["id"]
        async with digest_worker(client, sessions, task_queue=TASK_QUEUE):
            started = api.post(f"/properties/{pid}/digest/send")
            assert started.status_code == 202, started.text
            body = started.json()
            assert body["workflow_id"] == f"digest-{pid}-now" and body["alert_format"] == "slack"
            handle = client.get_workflow_handle(body["workflow_id"], run_id=body["run_id"])
            assert DigestResult.model_validate(await handle.result()).sent
        assert len(receiver.bodies) == 1 and slack_errors(receiver.bodies[0]) == []
        assert "No audit has finished yet" in receiver.bodies[0]["blocks"][1]["text"]["text"]
    await engine.dispose()
