"""The written summary's call is billed like an answer and says so."""

from __future__ import annotations

import json

from temporalio.testing import ActivityEnvironment

from activities.asking import AskingActivities
from contracts.audit import SummaryRequest
from geo.summary import BatchSummary
from surfaces.base import Completion
from tests.factories import PRICES, ScriptedSurface

WRITTEN = {
    "summary": "AMLI Aero leads on both surfaces.",
    "key_insights": [{"insight": "Claude ranks it first", "priority": "high"}],
    "action_items": [],
    # A model that invents its own bill is not believed.
    "usage": {"surface": "x", "model": "x", "input_tokens": 1, "output_tokens": 1, "cost_usd": 0},
}


async def test_the_summary_carries_what_its_call_cost() -> None:
    surface = ScriptedSurface(
        [
            Completion(
                text=json.dumps(WRITTEN), model="gpt-test", input_tokens=4000, output_tokens=500
            )
        ]
    )
    acts = AskingActivities(surface, pricing=PRICES)
    request = SummaryRequest(surface="openai", property_name="AMLI Aero", analysis={})

    stored = BatchSummary.model_validate(
        await ActivityEnvironment().run(acts.summarize_batch, request)
    )

    assert stored.source == "llm" and stored.summary.startswith("AMLI Aero")
    assert stored.usage is not None
    assert (stored.usage.surface, stored.usage.model) == ("openai", "gpt-test")
    assert (stored.usage.input_tokens, stored.usage.output_tokens) == (4000, 500)
    assert stored.usage.cost_usd == (4000 * 2.0 + 500 * 10.0) / 1e6
