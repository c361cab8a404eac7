"""`propertyaudit audit …`: choices checked before any request, --follow re-attaching to a
running audit, reports as files or as they are."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args, get_type_hints

import httpx

from api.routers.reports import read_report
from api.schemas.common import Mode as ApiMode
from cli.audits import Mode
from cli.reports import ReportFormat
from tests.cli.conftest import FakeApi
from tests.cli.samples import AUDIT_ID, audit_state, insights

STATE = f"/audits/{AUDIT_ID}"
INSIGHTS = f"/audits/{AUDIT_ID}/insights"
WIDE = {"COLUMNS": "200"}  # rich's error panel unwrapped, so the assertions see whole phrases


def test_the_choices_are_the_apis() -> None:
    assert [m.value for m in Mode] == list(get_args(ApiMode))
    api_formats = get_args(get_type_hints(read_report)["format"])
    assert sorted(f.value for f in ReportFormat) == sorted(api_formats)


def test_help_lists_the_modes(fake_api: FakeApi) -> None:
    shown = fake_api.invoke("audit", "start", "--help", env=WIDE).stdout
    assert "structured|natural" in shown


def test_a_bad_mode_is_a_usage_error_that_lists_the_choices(fake_api: FakeApi) -> None:
    result = fake_api.invoke("audit", "start", "p1", "--mode", "chatty", env=WIDE)
    assert result.exit_code == 2
    assert "'chatty' is not one of 'structured', 'natural'" in result.stderr
    assert not fake_api.requests


def test_a_bad_report_format_is_a_usage_error(fake_api: FakeApi) -> None:
    result = fake_api.invoke("audit", "report", AUDIT_ID, "--format", "pdf", env=WIDE)
    assert result.exit_code == 2 and "'pdf' is not one of 'html', 'markdown'" in result.stderr
    assert not fake_api.requests


def test_show_prints_the_current_state_once(fake_api: FakeApi) -> None:
    fake_api.on("GET", STATE, audit_state("running", 3), audit_state("completed"))
    result = fake_api.invoke("audit", "show", AUDIT_ID)
    assert result.exit_code == 0, result.output
    assert f"audit {AUDIT_ID}: running" in result.stdout
    assert re.search(r"openai\s+running\s+3/20", result.stdout)
    assert "Scorecard" not in result.stdout
    assert len(fake_api.requests) == 1


def test_show_follow_polls_until_the_audit_closes_then_prints_the_scorecard(
    fake_api: FakeApi,
) -> None:
    fake_api.on(
        "GET",
        STATE,
        audit_state("running", 3),
        audit_state("running", 12),
        audit_state("completed"),
    )
    fake_api.on("GET", INSIGHTS, insights())
    result = fake_api.invoke("audit", "show", AUDIT_ID, "--follow", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"audit {AUDIT_ID}: running" in out
    # The bars as they stood when the audit closed, then its scorecard and summary.
    assert re.search(r"openai .*20/20 .*completed", out) and re.search(r"claude .*20/20", out)
    assert "Scorecard per surface" in out and "Batch status: complete" in out
    assert len(fake_api.sent("GET", STATE)) == 3
    assert max(len(line) for line in out.splitlines()) <= 80


def test_follow_json_prints_only_the_final_state(fake_api: FakeApi) -> None:
    final = audit_state("completed")
    fake_api.on("GET", STATE, audit_state("running", 3), final)
    result = fake_api.invoke("audit", "show", AUDIT_ID, "--follow", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == final
    assert not fake_api.sent("GET", INSIGHTS)


def test_following_an_audit_that_fails_exits_1(fake_api: FakeApi) -> None:
    fake_api.on("GET", STATE, audit_state("running", 3), audit_state("failed", 3))
    fake_api.on("GET", INSIGHTS, insights())
    assert fake_api.invoke("audit", "show", AUDIT_ID, "--follow").exit_code == 1


def test_start_follow_shows_the_bars_and_the_scorecard(fake_api: FakeApi) -> None:
    started = {"audit_id": AUDIT_ID, "status": "running", "links": {"temporal_ui": "http://t/wf"}}
    fake_api.on("POST", "/audits", started, status=202)
    fake_api.on("GET", STATE, audit_state("running", 3), audit_state("completed"))
    fake_api.on("GET", INSIGHTS, insights())
    result = fake_api.invoke("audit", "start", "p1", "--mode", "natural", "--follow")
    assert result.exit_code == 0, result.output
    assert json.loads(fake_api.requests[0].content)["mode"] == "natural"
    assert f"audit {AUDIT_ID} running: http://t/wf" in result.stdout
    assert "Scorecard per surface" in result.stdout


def test_ctrl_c_stops_following_not_the_audit(fake_api: FakeApi) -> None:
    polls = iter([audit_state("running", 3)])

    def answer_then_interrupt(request: httpx.Request) -> httpx.Response:
        fake_api.requests.append(request)
        state = next(polls, None)
        if state is None:
            raise KeyboardInterrupt  # as Ctrl-C arrives during the second poll
        return httpx.Response(200, json=state)

    fake_api.handle = answer_then_interrupt  # type: ignore[method-assign]
    result = fake_api.invoke("audit", "show", AUDIT_ID, "--follow")
    assert result.exit_code == 130
    assert f"propertyaudit audit show {AUDIT_ID} --follow" in result.stderr
    assert not any(r.method != "GET" for r in fake_api.requests)  # nothing sent to the audit


def test_a_report_is_printed_as_it_is(fake_api: FakeApi) -> None:
    markdown = "# Report\n\n| " + " | ".join(f"column {i}" for i in range(20)) + " |\n"
    fake_api.on_response("GET", f"/audits/{AUDIT_ID}/report", httpx_text(markdown))
    result = fake_api.invoke("audit", "report", AUDIT_ID)
    assert result.exit_code == 0, result.output
    assert result.stdout == markdown  # not wrapped at the terminal's width
    assert fake_api.requests[0].url.params["format"] == "markdown"


def test_report_json_describes_the_written_file(fake_api: FakeApi, tmp_path: Path) -> None:
    fake_api.on_response("GET", f"/audits/{AUDIT_ID}/report", httpx_text("<html>é</html>"))
    target = tmp_path / "r.html"
    args = ("audit", "report", AUDIT_ID, "--format", "html", "--output", str(target), "--json")
    result = fake_api.invoke(*args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "audit_id": AUDIT_ID,
        "format": "html",
        "path": str(target),
        "bytes": len("<html>é</html>".encode()),
    }
    assert target.read_text(encoding="utf-8") == "<html>é</html>"


def test_report_json_without_a_file_is_a_usage_error(fake_api: FakeApi) -> None:
    result = fake_api.invoke("audit", "report", AUDIT_ID, "--json")
    assert result.exit_code == 2 and "--output" in result.stderr
    assert not fake_api.requests


def test_a_report_that_cannot_be_written_is_an_error(fake_api: FakeApi, tmp_path: Path) -> None:
    fake_api.on_response("GET", f"/audits/{AUDIT_ID}/report", httpx_text("# r\n"))
    result = fake_api.invoke("audit", "report", AUDIT_ID, "--output", str(tmp_path / "no/r.md"))
    assert result.exit_code == 1 and "cannot write" in result.stderr
    assert "Traceback" not in result.output


def httpx_text(text: str) -> httpx.Response:
    return httpx.Response(200, text=text, headers={"content-type": "text/markdown"})


def test_a_dry_run_prints_the_estimate_and_starts_nothing(fake_api: FakeApi) -> None:
    surface = {
        "surface": "gemini",
        "model": "gemini-2.5-flash",
        "answers": 20,
        "calls": 21,
        "searches": 20,
        "input_tokens": 8000,
        "output_tokens": 18000,
        "cost_usd": {"low": 0.7, "expected": 0.8, "high": 0.95},
        "duration_s": 31.0,
        "bound_by": "concurrency",
        "basis": "no earlier answers: default answer lengths and latency",
        "assumptions": [],
    }
    estimate = {
        "dry_run": True,
        "calls": 21,
        "cost_usd": surface["cost_usd"],
        "duration_s": 31.0,
        "max_cost_usd": 0.5,
        "within_budget": False,
        "surfaces": [surface],
    }
    fake_api.on("POST", "/audits", estimate)
    result = fake_api.invoke(
        "audit", "start", "prop-1", "--surfaces", "gemini", "--dry-run", env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    [sent] = fake_api.sent("POST", "/audits")
    assert sent.url.params["dry_run"] == "true"
    assert "gemini-2.5-flash" in result.stdout and "$0.70–$0.95" in result.stdout
    assert "may exceed the $0.5 budget" in result.stdout
    as_json = fake_api.invoke("audit", "start", "prop-1", "--dry-run", "--json")
    assert json.loads(as_json.stdout)["calls"] == 21
