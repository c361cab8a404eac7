"""Provider keys stay in the worker's environment: never in histories, payloads or logs."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from cli.example import EXAMPLE_PROPERTY
from cli.ports import free_port
from tests.stack import running_stack

pytestmark = pytest.mark.slow

OPENAI_KEY = "sk-live-TESTSECRET-4f1c2e9a7b"
ANTHROPIC_KEY = "sk-ant-TESTSECRET-88d0c3b1e5"
# Live mode asks every configured surface's provider: each needs its key, or the worker refuses
# to start (config/preflight.py); these two are never asked here.
GEMINI_KEY = "AIza-TESTSECRET-0a7d5c"
PERPLEXITY_KEY = "pplx-TESTSECRET-6e21b9"


def test_live_mode_keys_never_leave_the_worker(tmp_path: Path) -> None:
    sim_port = free_port()
    with running_stack(
        f"sqlite+aiosqlite:///{tmp_path / 'secrets.db'}",
        tmp_path,
        with_simulator=True,
        LLMSIM_PORT=str(sim_port),
        # Live mode: the real SDKs with real-looking keys, pointed at the simulator's HTTP.
        LLM_BACKEND="live",
        OPENAI_API_KEY=OPENAI_KEY,
        ANTHROPIC_API_KEY=ANTHROPIC_KEY,
        OPENAI_BASE_URL=f"http://127.0.0.1:{sim_port}/v1",
        ANTHROPIC_BASE_URL=f"http://127.0.0.1:{sim_port}",
        GEMINI_API_KEY=GEMINI_KEY,
        GEMINI_BASE_URL=f"http://127.0.0.1:{sim_port}",
        PERPLEXITY_API_KEY=PERPLEXITY_KEY,
        PERPLEXITY_BASE_URL=f"http://127.0.0.1:{sim_port}/v1",
    ) as live:
        api = live.api
        assert not any(c.simulator for c in live.stack.settings.surface_configs().values())
        prop = api.post("/properties", json=EXAMPLE_PROPERTY).json()
        api.post(f"/properties/{prop['id']}/queries/generate").raise_for_status()
        audit = api.post(
            "/audits", json={"property_id": prop["id"], "mode": "natural", "web_search": True}
        ).json()
        deadline = time.monotonic() + 120
        while api.get(f"/audits/{audit['audit_id']}").json()["status"] != "completed":
            assert time.monotonic() < deadline
            time.sleep(0.5)
        histories = []
        for workflow_id in [audit["workflow_id"], *(r["workflow_id"] for r in audit["runs"])]:
            shown = live.temporal("workflow", "show", "--workflow-id", workflow_id, "-o", "json")
            assert len(shown) > 10_000  # a real history, with every payload in it
            histories.append(shown)
        described = live.temporal(
            "workflow", "describe", "--workflow-id", audit["workflow_id"], "-o", "json"
        )
        seen = live.sim_stats()["key_fingerprints"]
        for key in (OPENAI_KEY, ANTHROPIC_KEY):  # the real SDKs did send the keys
            assert hashlib.sha256(key.encode()).hexdigest()[:12] in seen
        api_body = api.get(f"/audits/{audit['audit_id']}").text
        run_body = api.get(f"/runs/{audit['runs'][0]['run_id']}").text
    logs = "".join(p.read_text(errors="replace") for p in (tmp_path / "logs").glob("*.log"))
    assert "llm-openai" in logs or "worker polling" in logs  # the logs were really read
    for secret in (OPENAI_KEY, ANTHROPIC_KEY, "TESTSECRET"):
        for name, text in [
            ("history", "".join(histories)),
            ("describe", described),
            ("logs", logs),
            ("api", api_body + run_body),
        ]:
            assert secret not in text, f"{secret!r} leaked into {name}"
