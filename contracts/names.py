"""Temporal names other tools and people rely on (DESIGN §3): task queues, workflow ids,
search attributes."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

TASK_QUEUE = "property-audit"

PROPERTY_ID = SearchAttributeKey.for_keyword("PropertyId")
AUDIT_ID = SearchAttributeKey.for_keyword("AuditId")
SURFACE = SearchAttributeKey.for_keyword("Surface")
AUDIT_STATUS = SearchAttributeKey.for_keyword("AuditStatus")
SEARCH_ATTRIBUTES = (PROPERTY_ID, AUDIT_ID, SURFACE, AUDIT_STATUS)


def audit_workflow_id(audit_id: str) -> str:
    return f"audit-{audit_id}"


def surface_workflow_id(audit_id: str, surface: str) -> str:
    return f"audit-{audit_id}-{surface}"


def scheduled_workflow_id(property_id: str) -> str:
    """The prefix a Schedule gives the audits it starts (it appends the time)."""
    return f"audit-scheduled-{property_id}"


def schedule_id(property_id: str) -> str:
    return f"schedule-{property_id}"


def llm_task_queue(surface: str) -> str:
    """Where one surface's LLM calls run: its own queue, its own limits."""
    return f"llm-{surface}"
