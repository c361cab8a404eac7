"""`POST /audits?dry_run=true` answers the estimate, refuses what a start refuses, and neither
starts nor stores anything (nor spends the caller's allowance of paid starts)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.example import EXAMPLE_PROPERTY
from tests.api.conftest import Api, _serving


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'estimate.db'}"
    with _serving(url, rate_limit_paid="2/minute") as client:
        yield Api(client, url)


def dry_run(api: Api, **body: object) -> tuple[int, dict[str, Any]]:
    response = api.client.post("/audits", params={"dry_run": "true"}, json=body)
    return response.status_code, response.json()


def test_an_estimate_of_every_surface_and_nothing_stored(api: Api) -> None:
    pid = api.client.post("/properties", json=EXAMPLE_PROPERTY).json()["id"]
    panel = api.client.post(f"/properties/{pid}/queries/generate").json()["total"]
    surfaces = ["openai", "claude", "gemini", "perplexity"]
    for _ in range(3):  # more than the allowance of paid starts: an estimate spends none
        status, found = dry_run(
            api, property_id=pid, surfaces=surfaces, mode="natural", samples_per_query=2
        )
        assert status == 200, found
    assert found["dry_run"] is True and found["questions"] == panel
    per_surface = {s["surface"]: s for s in found["surfaces"]}
    assert list(per_surface) == surfaces
    assert per_surface["openai"]["calls"] == 2 * 2 * panel + 1  # two phases; the summary
    assert per_surface["claude"]["calls"] == 2 * 2 * panel
    assert per_surface["perplexity"]["searches"] == 2 * 2 * panel  # it always searches
    assert per_surface["gemini"]["searches"] == 0  # no search asked
    assert found["calls"] == sum(s["calls"] for s in per_surface.values())
    cost = found["cost_usd"]
    assert cost["low"] < cost["expected"] < cost["high"]
    assert found["within_budget"] is True  # the default budget of $25
    assert api.client.get("/audits", params={"property_id": pid}).json() == []


def test_an_estimate_refuses_what_a_start_refuses(api: Api) -> None:
    pid = api.client.post("/properties", json=EXAMPLE_PROPERTY).json()["id"]
    status, found = dry_run(api, property_id=pid)
    assert status == 409 and "no active queries" in str(found["detail"])
    api.client.post(f"/properties/{pid}/queries/generate")
    status, found = dry_run(api, property_id=pid, surfaces=["bard"])
    assert status == 422
    status, found = dry_run(api, property_id=pid, max_cost_usd=5000)
    assert status == 422 and "MAX_COST_USD_LIMIT" in str(found["detail"])
    status, found = dry_run(api, property_id=pid, max_cost_usd=0.01, web_search=True)
    assert status == 200 and found["within_budget"] is False


def test_the_estimated_duration_counts_every_replica_s_slots(tmp_path: Path) -> None:
    """The workflow worker plans LLM_WORKERS_<S> × LLM_MAX_CONCURRENCY calls in flight per
    audit: the estimate's time follows the same plan."""

    def openai_estimate(name: str, **settings: Any) -> dict[str, Any]:
        url = f"sqlite+aiosqlite:///{tmp_path / name}"
        with _serving(url, **settings) as client:
            pid = client.post("/properties", json=EXAMPLE_PROPERTY).json()["id"]
            client.post(f"/properties/{pid}/queries/generate")
            found = client.post(
                "/audits",
                params={"dry_run": "true"},
                json={"property_id": pid, "surfaces": ["openai"]},
            ).json()
        estimate: dict[str, Any] = found["surfaces"][0]
        return estimate

    one = openai_estimate("one.db")
    four = openai_estimate("four.db", llm_workers_openai=4)

    assert four["calls"] == one["calls"]
    assert four["duration_s"] < one["duration_s"]
