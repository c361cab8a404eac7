"""`DEMO_ONCE=1 make demo` in miniature: prints scores and links, exits 0, leaves nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.ports import free_port, port_open
from cli.stack import ROOT

pytestmark = pytest.mark.slow


def test_demo_once_runs_an_audit_and_exits_clean(tmp_path: Path) -> None:
    ports = {
        k: free_port() for k in ("API_PORT", "TEMPORAL_PORT", "TEMPORAL_UI_PORT", "LLMSIM_PORT")
    }
    env = {
        **{k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")},
        **{k: str(v) for k, v in ports.items()},
        "DEMO_ONCE": "1",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}",
        "PROPERTYAUDIT_DATA_DIR": str(tmp_path),
        "LLMSIM_LATENCY_MS": "50",
        "COLUMNS": "160",
    }
    done = subprocess.run(
        [sys.executable, "-m", "cli.dev", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "Scorecard per surface" in out
    assert "openai" in out and "claude" in out
    assert "Batch status: complete" in out
    assert (
        f"http://localhost:{ports['TEMPORAL_UI_PORT']}/namespaces/default/workflows/audit-" in out
    )
    assert f"http://127.0.0.1:{ports['API_PORT']}/docs" in out
    # The dashboard is the first address a newcomer sees.
    first_url = next(line for line in out.splitlines() if "http://" in line)
    assert first_url.split() == ["Dashboard", f"http://127.0.0.1:{ports['API_PORT']}/"]
    assert not any(port_open(p) for p in ports.values()), "a process outlived the demo"
