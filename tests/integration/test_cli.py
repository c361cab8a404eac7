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
    assert closed.returncode == 1 and "409" in closed.stdout
    unknown = cli(live, "audit", "show", "00000000-0000-0000-0000-000000000000")
    assert unknown.returncode == 1 and "404" in unknown.stdout
    bad_file = tmp_path / "bad.yaml"
    bad_file.write_text("- just\n- a list\n")
    assert cli(live, "property", "add", str(bad_file)).returncode != 0
