"""Structured logs (config/logs.py): one JSON object per line, with the audit's Temporal context."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from temporalio import activity, workflow
from temporalio.testing import ActivityEnvironment

from config.logs import UVICORN_LOGGERS, configure_logging
from config.settings import Settings

AUDIT_ID = str(uuid.uuid4())


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """A stream to log into; everything configure_logging touches is put back afterwards."""
    root = logging.getLogger()
    saved_root = (list(root.handlers), root.level)
    saved_uvicorn = {
        name: (list(logging.getLogger(name).handlers), logging.getLogger(name).propagate)
        for name in UVICORN_LOGGERS
    }
    saved_flags = (
        workflow.logger.workflow_info_on_message,
        activity.logger.activity_info_on_message,
    )
    saved_hook = sys.excepthook
    buf = io.StringIO()
    try:
        yield buf
    finally:
        root.handlers[:] = saved_root[0]
        root.setLevel(saved_root[1])
        for name, (handlers, propagate) in saved_uvicorn.items():
            logging.getLogger(name).handlers[:] = handlers
            logging.getLogger(name).propagate = propagate
        workflow.logger.workflow_info_on_message = saved_flags[0]
        activity.logger.activity_info_on_message = saved_flags[1]
        sys.excepthook = saved_hook
        logging.captureWarnings(False)


def lines(buf: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buf.getvalue().splitlines() if line.strip()]


def test_activity_record_carries_audit_surface_and_temporal_ids(stream: io.StringIO) -> None:
    configure_logging("json", "INFO", stream=stream, forward_temporal_core=False)
    details = {
        "activity_id": "7",
        "activity_type": "ask_surface",
        "attempt": 2,
        "namespace": "default",
        "task_queue": "llm-claude",
        "workflow_id": f"audit-{AUDIT_ID}-claude",
        "workflow_run_id": "0192a7c4-run",
        "workflow_type": "SurfaceRun",
    }
    # What temporalio.activity.logger does: a LoggerAdapter putting its dict in `extra`.
    adapter = logging.LoggerAdapter(
        logging.getLogger("temporalio.activity"), {"temporal_activity": details}
    )
    adapter.warning("asked %s in %d ms", "q7", 812)

    [line] = lines(stream)
    assert list(line)[:4] == ["ts", "level", "logger", "message"]
    assert datetime.fromisoformat(line["ts"]).tzinfo is not None
    assert line["level"] == "WARNING"
    assert line["logger"] == "temporalio.activity"
    assert line["message"] == "asked q7 in 812 ms"
    assert line["audit_id"] == AUDIT_ID
    assert line["surface"] == "claude"
    assert line["workflow_id"] == f"audit-{AUDIT_ID}-claude"
    assert line["workflow_type"] == "SurfaceRun"
    assert line["run_id"] == "0192a7c4-run"  # Temporal's run id, under the name people search for
    assert line["activity_type"] == "ask_surface"
    assert (line["attempt"], line["task_queue"], line["namespace"]) == (2, "llm-claude", "default")
    assert "temporal_activity" not in line and "workflow_run_id" not in line


def test_workflow_record_of_the_parent_has_the_audit_but_no_surface(stream: io.StringIO) -> None:
    configure_logging("json", "DEBUG", stream=stream, forward_temporal_core=False)
    details = {
        "attempt": 1,
        "namespace": "default",
        "run_id": "r-1",
        "task_queue": "property-audit",
        "workflow_id": f"audit-{AUDIT_ID}",
        "workflow_type": "PropertyAudit",
    }
    logging.getLogger("temporalio.workflow").info(
        "budget reached", extra={"temporal_workflow": details}
    )
    [line] = lines(stream)
    assert (line["audit_id"], line["workflow_type"], line["run_id"]) == (
        AUDIT_ID,
        "PropertyAudit",
        "r-1",
    )
    assert "surface" not in line and "activity_type" not in line


def test_scheduled_workflow_ids_are_not_mistaken_for_an_audit_id(stream: io.StringIO) -> None:
    configure_logging("json", "INFO", stream=stream, forward_temporal_core=False)
    wid = f"audit-scheduled-{AUDIT_ID}-2026-05-01T09:00:00Z"
    logging.getLogger("t").info("x", extra={"temporal_workflow": {"workflow_id": wid}})
    [line] = lines(stream)
    assert line["workflow_id"] == wid
    assert "audit_id" not in line and "surface" not in line


def test_plain_extra_fields_appear_and_win(stream: io.StringIO) -> None:
    configure_logging("json", "INFO", stream=stream, forward_temporal_core=False)
    log = logging.getLogger("propertyaudit.api")
    log.info("audit started", extra={"audit_id": "given", "property_id": "p-1"})
    log.info(
        "explicit",
        extra={
            "surface": "openai",
            "temporal_workflow": {"workflow_id": f"audit-{AUDIT_ID}-claude"},
        },
    )
    first, second = lines(stream)
    assert (first["audit_id"], first["property_id"]) == ("given", "p-1")
    assert (second["surface"], second["audit_id"]) == ("openai", AUDIT_ID)


def test_a_traceback_stays_inside_its_line(stream: io.StringIO) -> None:
    configure_logging("json", "INFO", stream=stream, forward_temporal_core=False)
    try:
        raise RuntimeError("provider said no")
    except RuntimeError:
        logging.getLogger("x").exception("ask failed")
    assert len(stream.getvalue().strip().splitlines()) == 1
    [line] = lines(stream)
    assert line["level"] == "ERROR"
    assert "Traceback" in line["exc_info"] and "provider said no" in line["exc_info"]


def test_levels_filter(stream: io.StringIO) -> None:
    configure_logging("json", "warning", stream=stream, forward_temporal_core=False)
    logging.getLogger("x").info("hidden")
    logging.getLogger("x").warning("shown")
    assert [line["message"] for line in lines(stream)] == ["shown"]


def test_uvicorn_loggers_go_through_the_same_formatter(stream: io.StringIO) -> None:
    access = logging.getLogger("uvicorn.access")
    access.addHandler(logging.StreamHandler(io.StringIO()))  # as uvicorn's dictConfig leaves it
    access.propagate = False
    # An in-process uvicorn started by an earlier test (--log-level warning) leaves its levels.
    for name in ("uvicorn", "uvicorn.access", "uvicorn.error"):
        logging.getLogger(name).setLevel(logging.NOTSET)
    configure_logging("json", "INFO", stream=stream, forward_temporal_core=False)
    access.info('%s - "%s %s HTTP/%s" %d', "10.0.0.1:5555", "GET", "/audits", "1.1", 200)
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)
    access_line, error_line = lines(stream)
    assert access_line["message"] == '10.0.0.1:5555 - "GET /audits HTTP/1.1" 200'
    assert (access_line["method"], access_line["path"], access_line["status_code"]) == (
        "GET",
        "/audits",
        200,
    )
    assert (error_line["logger"], error_line["message"]) == (
        "uvicorn.error",
        "Started server process [42]",
    )


async def test_a_real_activity_context_reaches_every_logger(stream: io.StringIO) -> None:
    """Inside a running activity, activity.logger and plain loggers (httpx, the SDKs) alike."""
    configure_logging("json", "INFO", stream=stream, forward_temporal_core=False)

    @activity.defn(name="ask_surface")
    async def ask() -> None:
        activity.logger.info("asking")
        logging.getLogger("httpx").info("HTTP Request: POST http://llm/v1/messages 200")

    env = ActivityEnvironment()
    env.info = dataclasses.replace(
        env.info,
        activity_type="ask_surface",
        workflow_id=f"audit-{AUDIT_ID}-openai",
        workflow_run_id="run-9",
        workflow_type="SurfaceRun",
        task_queue="llm-openai",
    )
    await env.run(ask)
    logging.getLogger("httpx").info("outside any activity")

    sdk_line, httpx_line, outside = lines(stream)
    for line in (sdk_line, httpx_line):
        assert (line["audit_id"], line["surface"], line["workflow_id"]) == (
            AUDIT_ID,
            "openai",
            f"audit-{AUDIT_ID}-openai",
        )
        assert (line["run_id"], line["activity_type"], line["task_queue"]) == (
            "run-9",
            "ask_surface",
            "llm-openai",
        )
    # The context is in fields, so the message is not suffixed with the SDK's dict.
    assert sdk_line["message"] == "asking"
    assert "audit_id" not in outside and "workflow_id" not in outside


def test_text_is_the_default_and_readable(stream: io.StringIO) -> None:
    assert Settings.model_fields["log_format"].default == "text"
    configure_logging("json", "INFO", stream=stream, forward_temporal_core=False)
    configure_logging("text", "INFO", stream=stream)  # replaces its own handler, no duplicate
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_propertyaudit", False)]
    assert len(ours) == 1
    logging.getLogger("propertyaudit.worker").info("worker polling %s", "property-audit")
    [text] = stream.getvalue().splitlines()
    assert text.endswith("INFO propertyaudit.worker worker polling property-audit")
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    # Text keeps the SDK's context on the message, where a person reads it.
    assert workflow.logger.workflow_info_on_message and activity.logger.activity_info_on_message


def test_bad_values_are_refused(stream: io.StringIO) -> None:
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        configure_logging("xml", "INFO", stream=stream)
    with pytest.raises(ValueError, match="LOG_LEVEL"):
        configure_logging("json", "LOUD", stream=stream, forward_temporal_core=False)


def test_settings_read_log_format_and_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", "json")
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.log_format, settings.log_level) == ("json", "DEBUG")
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ValueError):
        Settings(_env_file=None)  # type: ignore[call-arg]
