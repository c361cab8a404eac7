"""Links the API's bodies carry to what lies outside it."""

from __future__ import annotations

from config.settings import Settings


def workflow_url(settings: Settings, workflow_id: str) -> str:
    """The workflow's page in the Temporal UI."""
    base = settings.temporal_ui_url.rstrip("/")
    return f"{base}/namespaces/{settings.temporal_namespace}/workflows/{workflow_id}"
