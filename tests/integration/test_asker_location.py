"""The asker's location through the real processes: POST /audits and a schedule take it, the
audit shows it, and every ask reaches the simulator with the place in its provider's own
parameter (the OpenAI-compatible engine: in the question), its answers still scored as the
ground truth says."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from llmsim.answers import simulate_answer
from tests.integration.conftest import Live
from tests.integration.test_analysis import start, world_of

pytestmark = pytest.mark.slow
FIVE = ["openai", "claude", "gemini", "perplexity", "local"]
PLACE = {
    "city": "Chula Vista",
    "region": "CA",
    "country": "US",
    "zip": "91910",
    "timezone": "America/Los_Angeles",
    "latitude": 32.64,
    "longitude": -117.08,
}
LABEL = "Chula Vista, CA 91910, US"
APPROXIMATE = {
    "type": "approximate",
    "city": "Chula Vista",
    "region": "CA",
    "country": "US",
    "timezone": "America/Los_Angeles",
}
# surface -> (how it heard the place, what it heard)
HEARD: dict[str, tuple[str, Any]] = {
    "openai": ("openai_user_location", APPROXIMATE),
    "claude": ("anthropic_user_location", APPROXIMATE),
    "gemini": ("gemini_lat_lng", {"latitude": 32.64, "longitude": -117.08}),
    "perplexity": (
        "perplexity_user_location",
        {k: PLACE[k] for k in ("city", "region", "country", "latitude", "longitude")},
    ),
    "local": ("in_question", None),
}


def heard_by(live: Live) -> Counter[tuple[str, str, str, str | None]]:
    """(surface, via, parameter, stated) of every located request since the last reset."""
    return Counter(
        (r["surface"], "+".join(r["via"]), repr(r["parameter"]), r["stated"])
        for r in live.sim_stats()["locations"]
    )


def test_every_provider_hears_the_place_in_its_own_parameter(live: Live) -> None:
    prop = live.new_property(name="Bayfront Lofts")
    panel = prop["panel"]["total"]
    live.fresh_sim_stats()
    body = {"property_id": prop["id"], "surfaces": FIVE, "web_search": True}
    audit = start(live, body | {"asker_location": PLACE})
    state = live.wait_audit(audit["audit_id"])
    assert state["status"] == "completed", state
    assert state["asker_location"] == PLACE
    listed = live.get("/audits", params={"property_id": prop["id"]})
    assert [a["asker_location"] for a in listed] == [PLACE]

    expected = Counter(
        {
            (s, via, repr(value), LABEL if via == "in_question" else None): panel
            for s, (via, value) in HEARD.items()
        }
    )
    assert heard_by(live) == expected  # each ask once, in one place, never twice

    seed = live.sim.get("/_sim/config").json()["seed"]
    for ref in state["runs"]:
        run = live.get(f"/runs/{ref['run_id']}", params={"answers_limit": 1000})
        for answer in run["answers"]:
            truth = simulate_answer(
                world_of(prop),
                answer["query_text"],
                run["model"],
                seed,
                web_search=run["uses_web_search"],
            ).truth
            got = (answer["presence"], answer["llm_rank"], answer["link_rank"])
            assert got == (truth.presence, truth.rank, truth.link_rank), ref["surface"]


def test_a_schedule_asks_from_its_place(live: Live) -> None:
    prop = live.new_property(name="Scheduled Harbor Flats")
    pid, panel = prop["id"], prop["panel"]["total"]
    made = live.api.put(
        f"/properties/{pid}/schedule",
        json={"interval_minutes": 1440, "surfaces": ["local"], "asker_location": PLACE},
    )
    assert made.status_code == 200, made.text
    assert made.json()["asker_location"] == PLACE
    assert live.get(f"/properties/{pid}/schedule")["asker_location"] == PLACE
    live.fresh_sim_stats()
    live.temporal("schedule", "trigger", "--schedule-id", made.json()["schedule_id"])
    audits = live.wait_for(
        "a scheduled audit", lambda: live.api.get("/audits", params={"property_id": pid}).json()
    )
    final = live.wait_audit(audits[0]["audit_id"])
    assert final["status"] == "completed" and final["asker_location"] == PLACE
    assert heard_by(live) == Counter({("local", "in_question", "None", LABEL): panel})
    assert live.api.delete(f"/properties/{pid}/schedule").status_code == 204
