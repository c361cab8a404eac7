"""`propertyaudit migrate`: what the compose one-shot and the Kubernetes Job run from the installed
package (no alembic.ini); `--check` is what the pods wait on."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cli.main import app
from cli.ports import free_port


def migrate(url: str, *args: str) -> tuple[int, str]:
    done = CliRunner().invoke(app, ["migrate", *args], env={"DATABASE_URL": url})
    return done.exit_code, done.output


def test_migrate_then_check(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    code, out = migrate(url, "--check")
    assert code == 1 and "database at no revision" in out
    code, out = migrate(url)
    assert code == 0 and out.splitlines()[-1].startswith("database at 0")
    code, out = migrate(url, "--check")
    assert code == 0 and out.count("0006_") >= 2  # at the newest: current and head agree
    assert migrate(url)[0] == 0  # again: nothing to do, still fine


def test_an_unreachable_database_is_reported_after_the_wait() -> None:
    url = f"postgresql+asyncpg://nobody@127.0.0.1:{free_port()}/nothing"
    code, out = migrate(url, "--wait", "1")
    assert code == 1 and "the database did not answer within 1 s" in out
