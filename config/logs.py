"""Log lines for people (`LOG_FORMAT=text`, the default) or for a log pipeline (`json`).

In JSON every event is one object on one line:

    {"ts": "2026-05-01T09:30:00.123456+00:00", "level": "WARNING", "logger": "temporalio.activity",
     "message": "Completing activity as failed", "audit_id": "…", "surface": "claude",
     "workflow_id": "audit-…-claude", "workflow_type": "SurfaceRun", "run_id": "…",
     "activity_type": "ask_surface", "activity_id": "7", "task_queue": "llm-claude",
     "attempt": 2, "namespace": "default", "exc_info": "Traceback …"}

The Temporal context comes from the SDK's `workflow.logger` / `activity.logger`, which put a
dict under `temporal_workflow` / `temporal_activity` on the record; it is flattened here, and
`audit_id` and `surface` are read from the workflow id (`audit-{uuid}`, `audit-{uuid}-{surface}`).
Records from other loggers (httpx, the LLM SDKs) emitted while an activity runs get the same
activity context. `run_id` is the Temporal run id. Plain `extra={"audit_id": …}` fields appear
as they are and win over the derived ones. uvicorn's access lines also carry `client_addr`,
`method`, `path`, `status_code`.

The JSON encoding is python-json-logger's (it already skips the LogRecord's own attributes, keeps
every other `extra`, serialises datetimes, UUIDs, dataclasses and exceptions, and puts a
traceback in `exc_info` instead of spreading it over lines); this module only adds the Temporal
context and the field names.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from types import TracebackType
from typing import IO, Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter
from temporalio import activity, workflow
from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
FIRST_FIELDS = (
    "ts",
    "level",
    "logger",
    "message",
    "audit_id",
    "surface",
    "workflow_id",
    "workflow_type",
    "run_id",
    "activity_type",
)
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")

# PropertyAudit: audit-{audit_id}; SurfaceRun: audit-{audit_id}-{surface} (workflows/names.py).
_WORKFLOW_ID = re.compile(
    r"^audit-(?P<audit_id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"(?:-(?P<surface>[a-z][a-z0-9_-]*))?$"
)
# The SDK's names for what the JSON line calls run_id.
_RENAMED = {"workflow_run_id": "run_id"}
# Records carry these as objects; their useful content is flattened or not worth a field.
_SKIPPED = (
    "temporal_workflow",
    "temporal_activity",
    "workflow_info",
    "activity_info",
    "temporal_log",  # Core log entries forwarded by the SDK (the message already says it all)
    "color_message",  # uvicorn's ANSI-coloured copy of the message
)

_json_mode = False
_core_forwarded = False


def _current_activity() -> dict[str, Any]:
    """The running activity's context, for records from plain loggers (the LLM SDKs', httpx's)
    emitted inside an activity: the activity context is a contextvar, so it is at hand."""
    if not activity.in_activity():
        return {}
    info = activity.info()
    return {
        "activity_id": info.activity_id,
        "activity_type": info.activity_type,
        "attempt": info.attempt,
        "namespace": info.namespace,
        "task_queue": info.task_queue,
        "workflow_id": info.workflow_id,
        "workflow_run_id": info.workflow_run_id,
        "workflow_type": info.workflow_type,
    }


def temporal_context(record: logging.LogRecord) -> dict[str, Any]:
    """The Temporal fields of a record logged through `workflow.logger` or `activity.logger`
    (or through any logger while an activity runs)."""
    out: dict[str, Any] = {}
    found = False
    for attr in ("temporal_workflow", "temporal_activity"):
        details = getattr(record, attr, None)
        if isinstance(details, Mapping):
            found = True
            for key, value in details.items():
                name = str(key)
                out[_RENAMED.get(name, name)] = value
    if not found:
        out = {_RENAMED.get(k, k): v for k, v in _current_activity().items() if v is not None}
    workflow_id = out.get("workflow_id")
    match = _WORKFLOW_ID.match(workflow_id) if isinstance(workflow_id, str) else None
    if match:
        out["audit_id"] = match["audit_id"]
        if match["surface"]:
            out["surface"] = match["surface"]
    return out


def _access_fields(record: logging.LogRecord) -> dict[str, Any]:
    """uvicorn.access logs `'%s - "%s %s HTTP/%s" %d'` with these five arguments."""
    args = record.args
    if record.name != "uvicorn.access" or not isinstance(args, tuple) or len(args) != 5:
        return {}
    client_addr, method, path, http_version, status_code = args
    return {
        "client_addr": client_addr,
        "method": method,
        "path": path,
        "http_version": http_version,
        "status_code": status_code,
    }


class JsonLineFormatter(JsonFormatter):
    """One JSON object per record: ts, level, logger, message, then the context and extras."""

    def __init__(self) -> None:
        super().__init__(
            ["levelname", "name", "message"],
            rename_fields={"levelname": "level", "name": "logger"},
            reserved_attrs=[*RESERVED_ATTRS, *_SKIPPED],
            timestamp="ts",
            json_ensure_ascii=False,
        )

    def add_fields(
        self,
        log_data: dict[str, Any],
        record: logging.LogRecord,
        message_dict: dict[str, Any],
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        for key, value in {**temporal_context(record), **_access_fields(record)}.items():
            log_data.setdefault(key, value)  # an explicit extra wins

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        first = {key: log_data[key] for key in FIRST_FIELDS if key in log_data}
        return {**first, **{k: v for k, v in log_data.items() if k not in first}}


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is when a record arrives (as `logging.lastResort` does),
    so a replaced or closed stderr (test runners) never leaves the handler holding a dead one."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _value: IO[str]) -> None:
        pass


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """The root handler this module owns (and replaces when called again)."""


def _log_uncaught(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    logging.getLogger("propertyaudit").critical("uncaught exception", exc_info=(exc_type, exc, tb))


def configure_logging(
    fmt: str,
    level: str,
    *,
    stream: IO[str] | None = None,
    forward_temporal_core: bool = True,
) -> None:
    """Configure the root logger once for the process (worker, API, simulator).

    `fmt` is `text` (readable lines) or `json` (one object per line); `level` a level name.
    Only the handler this function installed is replaced, so calling it again is safe and other
    handlers (a test runner's) are left alone. In JSON mode uvicorn's own loggers are routed
    through the same formatter, Python warnings and uncaught exceptions become JSON records,
    the Temporal loggers stop appending their context dict to the message (it is in fields), and
    (unless `forward_temporal_core` is off) the default Temporal runtime forwards the Rust core's
    own warnings to Python logging instead of printing them in its own format.
    """
    fmt = fmt.lower()
    if fmt not in ("text", "json"):
        raise ValueError(f"LOG_FORMAT must be text or json, not {fmt!r}")
    levels = logging.getLevelNamesMapping()
    if level.upper() not in levels:
        raise ValueError(f"LOG_LEVEL must be one of {', '.join(sorted(levels))}, not {level!r}")

    global _json_mode
    _json_mode = fmt == "json"
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_propertyaudit", False)]:
        root.removeHandler(old)
    handler: logging.Handler = _Handler(stream) if stream is not None else _CurrentStderr()
    handler._propertyaudit = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonLineFormatter() if _json_mode else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(levels[level.upper()])

    workflow.logger.workflow_info_on_message = not _json_mode
    activity.logger.activity_info_on_message = not _json_mode
    if _json_mode:
        for name in UVICORN_LOGGERS:
            uvicorn_logger = logging.getLogger(name)
            uvicorn_logger.handlers.clear()
            uvicorn_logger.propagate = True
        logging.captureWarnings(True)
        sys.excepthook = _log_uncaught
        if forward_temporal_core:
            _forward_core_logs()


def _forward_core_logs() -> None:
    """Once per process, before any client exists: clients that do not bring a runtime of their
    own (the API's; a worker without metrics) use this default one."""
    global _core_forwarded
    if not _core_forwarded:
        runtime = Runtime(telemetry=TelemetryConfig(logging=temporal_core_logging()))
        Runtime.set_default(runtime, error_if_already_set=False)
        _core_forwarded = True


def temporal_core_logging() -> LoggingConfig:
    """Logging for a Temporal `Runtime`'s `TelemetryConfig` (pass it to every runtime a process
    builds, e.g. `TelemetryConfig(logging=temporal_core_logging(), metrics=…)`): in JSON mode the
    Rust core's own warnings are forwarded to the `temporalio.core` logger, so they become JSON
    lines too; otherwise the SDK's default (the core prints them itself)."""
    if not _json_mode:
        return LoggingConfig.default
    return LoggingConfig(
        filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
        # The logger's name carries the core's target (temporalio.core-sdk_core::…).
        forwarding=LogForwardingConfig(
            logger=logging.getLogger("temporalio.core"), prepend_target_on_message=False
        ),
    )
