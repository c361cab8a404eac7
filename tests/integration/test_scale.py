"""A long panel: the surface run continues as new between chunks, and nothing is lost."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.integration.conftest import Live

pytestmark = pytest.mark.slow


def test_a_long_run_continues_as_new_and_completes(live: Live) -> None:
    # 300 questions × 3 samples: 900 asks, past the history budget of one SurfaceRun execution.
    prop = live.new_property(name="Long Panel Plaza")
    for i in range(300 - prop["panel"]["total"]):
        response = live.api.post(
            f"/properties/{prop['id']}/queries",
            json={"text": f"Renter question number {i}", "type": "faq"},
        )
        assert response.status_code == 201
    audit = live.api.post(
        "/audits",
        json={"property_id": prop["id"], "surfaces": ["openai"], "samples_per_query": 3},
    )
    audit_id = audit.json()["audit_id"]
    state = live.wait_audit(audit_id, timeout=300)
    assert state["status"] == "completed"
    run = state["runs"][0]
    assert (run["done"], run["total"], run["errors"]) == (900, 900, 0)
    detail = live.api.get(f"/runs/{run['run_id']}", params={"answers_limit": 1000}).json()
    assert len(detail["answers"]) == detail["answers_total"] == 900
    assert set(Counter((a["query_id"], a["sample"]) for a in detail["answers"]).values()) == {1}
    assert set(Counter(a["query_id"] for a in detail["answers"]).values()) == {3}
    runs = live.workflows(f'WorkflowId="audit-{audit_id}-openai"', expect=2)
    statuses = Counter(r["status"] for r in runs)
    assert statuses["WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW"] >= 1
    assert statuses["WORKFLOW_EXECUTION_STATUS_COMPLETED"] == 1
