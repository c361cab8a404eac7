"""The `propertyaudit` command, run as a subprocess against the live API."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cli.example import EXAMPLE_PROPERTY
from tests.integration.conftest import Live

pytestmark = pytest.mark.slow


def cli(live: Live, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PROPERTYAUDIT_API_URL": live.stack.api_url, "COLUMNS": "160"}
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        text=True,
        capture_output=True,
        timeout=180,
    )


def test_cli_adds_starts_follows_shows_and_steers(live: Live, tmp_path: Path) -> None:
    profile = tmp_path / "vista.yaml"
    profile.write_text(yaml.safe_dump({**EXAMPLE_PROPERTY, "name": "Vista CLI Terrace"}))
    added = cli(live, "property", "add", str(profile))
    assert added.returncode == 0, added.stderr
    match = re.search(
        r"property Vista CLI Terrace ([0-9a-f-]{36}) · panel of (\d+) queries", added.stdout
    )
    assert match, added.stdout
    pid, panel = match.group(1), int(match.group(2))

    as_json = tmp_path / "other.json"
    as_json.write_text(json.dumps({"name": "JSON Lofts", "address": {"city": "Denver"}}))
    assert cli(live, "property", "add", str(as_json), "--no-generate").returncode == 0
    listed = cli(live, "property", "list")
    assert "Vista CLI Terrace" in listed.stdout and "JSON Lofts" in listed.stdout

    started = cli(live, "audit", "start", pid, "--surfaces", "openai,claude", "--follow")
    assert started.returncode == 0, started.stdout + started.stderr
    out = started.stdout
    aid = re.search(r"audit ([0-9a-f-]{36})", out).group(1)  # type: ignore[union-attr]
    assert re.search(rf"openai .*{panel}/{panel}", out) and re.search(
        rf"claude .*{panel}/{panel}", out
    )
    assert "Scorecard per surface" in out and "Batch status: complete" in out

    shown = cli(live, "audit", "show", aid)
    assert shown.returncode == 0 and "completed" in shown.stdout
    assert aid in cli(live, "audit", "list", "--property", pid).stdout

    closed = cli(live, "audit", "pause", aid)
    assert closed.returncode == 1 and "409" in closed.stderr
    unknown = cli(live, "audit", "show", "00000000-0000-0000-0000-000000000000")
    assert unknown.returncode == 1 and "404" in unknown.stderr
    bad_file = tmp_path / "bad.yaml"
    bad_file.write_text("- just\n- a list\n")
    assert cli(live, "property", "add", str(bad_file)).returncode != 0


def test_cli_options_match_the_readme(live: Live, tmp_path: Path) -> None:
    """start with mode, web search, samples, budget and paused; pause with a reason; rescore;
    report --open fetches the page with the key and opens a file."""
    prop = live.new_property(name="Optioned Oaks")
    started = cli(
        live,
        "audit",
        "start",
        prop["id"],
        "--surfaces",
        "openai",
        "--mode",
        "natural",
        "--web-search",
        "--samples",
        "2",
        "--max-cost",
        "5",
        "--paused",
    )
    assert started.returncode == 0, started.stdout + started.stderr
    aid = re.search(r"audit ([0-9a-f-]{36})", started.stdout).group(1)  # type: ignore[union-attr]
    state = live.api.get(f"/audits/{aid}").json()
    assert (state["mode"], state["web_search"], state["samples_per_query"]) == ("natural", True, 2)
    assert state["max_cost_usd"] == 5
    live.wait_for("paused", lambda: live.api.get(f"/audits/{aid}").json()["paused"])
    # Paused again with a reason while it still holds (a resumed audit of this size may finish
    # before a second pause reaches it, and a closed audit answers 409).
    assert (
        cli(live, "audit", "pause", aid, "--reason", "waiting for the new photos").returncode == 0
    )
    paused = live.wait_for(
        "paused with the reason",
        lambda: (
            (s := live.api.get(f"/audits/{aid}").json())["pause_reason"]
            == "waiting for the new photos"
            and s
        ),
    )
    assert paused["paused"]
    assert cli(live, "audit", "resume", aid).returncode == 0
    live.wait_audit(aid)

    rescored = cli(live, "rescore", "audit", aid)
    assert rescored.returncode == 0, rescored.stdout + rescored.stderr
    assert "completed: 1 audits, 1 runs" in rescored.stdout
    assert cli(live, "rescore", "all", aid).returncode != 0  # no id for "all"

    opened = tmp_path / "opened.txt"
    env_browser = f"{sys.executable} -c \"import sys; open('{opened}', 'w').write(sys.argv[1])\" %s"
    report = tmp_path / "report.html"
    shown = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli.main",
            "audit",
            "report",
            aid,
            "--open",
            "--output",
            str(report),
        ],
        env={**os.environ, "PROPERTYAUDIT_API_URL": live.stack.api_url, "BROWSER": env_browser},
        text=True,
        capture_output=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    assert "<html" in report.read_text().lower()
    assert live.wait_for("the browser", lambda: opened.exists() and opened.read_text()).startswith(
        "file://"
    )
    assert cli(live, "audit", "delete", aid).returncode == 0
    assert live.api.get(f"/audits/{aid}").status_code == 404
