"""A property's recommendations, counted by priority, type and source."""

from __future__ import annotations

from typing import Any

from geo.recommendations import Recommendation


def summarise(recs: list[Recommendation]) -> dict[str, Any]:
    by_priority: dict[str, int] = {}
    by_type: dict[str, int] = {}
    for r in recs:
        by_priority[r.priority] = by_priority.get(r.priority, 0) + 1
        by_type[r.type] = by_type.get(r.type, 0) + 1
    llm = sum(r.source == "llm" for r in recs)
    return {"total": len(recs), "by_priority": by_priority, "by_type": by_type, "from_llm": llm}
