"""API answers as the CLI reads them, trimmed to the fields it uses."""

from __future__ import annotations

from typing import Any

AUDIT_ID = "5f0e8f5e-7e0b-4b8a-9d0c-1234567890ab"


def run_state(surface: str, status: str, done: int, total: int = 20) -> dict[str, Any]:
    return {
        "surface": surface,
        "status": status,
        "done": done,
        "total": total,
        "errors": 0,
        "score": 71.2 if status == "completed" else None,
        "current_query": "" if done == total else "best apartments in Kearny Mesa",
        "error_message": None,
    }


def audit_state(status: str, done: int = 20) -> dict[str, Any]:
    run_status = status if status in ("completed", "failed") else "running"
    return {
        "audit_id": AUDIT_ID,
        "status": status,
        "paused": False,
        "runs": [run_state("openai", run_status, done), run_state("claude", run_status, done)],
        "links": {"temporal_ui": "http://temporal.test/wf"},
    }


def surface_score(surface: str, model: str, status: str = "completed") -> dict[str, Any]:
    return {
        "surface": surface,
        "model": model,
        "status": status,
        "score": {
            "overall_score": 71.25,
            "weighted_score": 68.0,
            "visibility_pct": 100.0,
            "avg_llm_rank": 1.4,
            "avg_link_rank": 10.0,
            "avg_sov": 0.35,
            "answered": 25000,
            "errors": 120,
        },
    }


def insights(*surfaces: dict[str, Any]) -> dict[str, Any]:
    return {
        "surfaces": list(surfaces)
        or [surface_score("openai", "gpt-5.5"), surface_score("claude", "claude-sonnet-5-5")],
        "batchStatus": {"status": "complete", "message": "all surfaces answered"},
        "summary": {"source": "rules", "summary": "Visible on both surfaces.", "key_insights": []},
        "cross_model": {"competitors": [], "cited_domains": []},
    }
