"""The simulated analyst: reads the analysis in the prompt and writes the batch summary."""

from __future__ import annotations

import json
import re
from typing import Any


def write_summary(prompt: str) -> dict[str, Any]:
    match = re.search(r"<analysis>\n(.*)\n</analysis>", prompt, re.DOTALL)
    name = re.search(r"^Property: (.*)$", prompt, re.MULTILINE)
    try:
        analysis = json.loads(match.group(1)) if match else {}
    except json.JSONDecodeError:
        analysis = {}
    prop = name.group(1) if name else "The property"
    visibility = [v for v in (analysis.get("visibility") or {}).values() if v is not None]
    mean = sum(visibility) / len(visibility) if visibility else 0.0
    competitors = analysis.get("competitors") or []
    insights = [
        {
            "insight": f"{prop} is named in {mean:.0f}% of answers across "
            f"{len(visibility)} assistants",
            "priority": "high",
        }
    ]
    if competitors:
        top = competitors[0]
        insights.append(
            {
                "insight": f"{top['name']} leads the alternatives with {top['mentions']} mentions",
                "priority": "medium",
            }
        )
    agreement = analysis.get("agreement_rate")
    if agreement is not None:
        insights.append(
            {"insight": f"The assistants agree on {agreement:.0f}% of questions", "priority": "low"}
        )
    return {
        "summary": f"{prop} has an average visibility of {mean:.0f}% in AI answers. "
        "Closing the gaps where competitors are named instead is the fastest gain.",
        "key_insights": insights,
        "action_items": [
            {
                "action": "Publish pages answering the questions where the property is missing",
                "priority": 1,
                "effort": "medium",
                "impact": "high",
            },
            {
                "action": "Get listed on the third-party sources the assistants cite most",
                "priority": 2,
                "effort": "low",
                "impact": "medium",
            },
        ],
    }
