"""Temporal names other tools and people rely on (DESIGN §3)."""

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


def llm_task_queue(surface: str) -> str:
    return f"llm-{surface}"
