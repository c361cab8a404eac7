"""The Dockerfile: a pinned slim base, the package installed, a non-root user, nothing forgotten."""

from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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
    py-modules, the package data, plus what the migrate command reads (alembic.ini)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    setuptools = pyproject["tool"]["setuptools"]
    files = [f"{m}.py" for m in setuptools.get("py-modules", [])] + ["alembic.ini"]
    for pattern in setuptools["packages"]["find"]["include"]:
        top = pattern.rstrip("*").rstrip(".")
        assert (ROOT / top / "__init__.py").exists(), f"{pattern} names no package"
        for dirpath, dirnames, filenames in os.walk(ROOT / top):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            rel = Path(dirpath).relative_to(ROOT)
            files += [str(rel / f) for f in filenames if not f.endswith(".pyc")]
    return files


def test_base_image_is_a_pinned_slim_python() -> None:
    froms = [args for word, args in instructions() if word == "FROM"]
    assert froms
    image = froms[-1].split()[0]
    assert re.fullmatch(r"python:3\.\d+\.\d+-slim(-[a-z]+)?(@sha256:[0-9a-f]{64})?", image), image


def test_the_project_is_installed_from_pyproject() -> None:
    runs = " ".join(args for word, args in instructions() if word == "RUN")
    assert re.search(r"pip install (--no-deps )?\.(\s|$)", runs), "pip install . is missing"
    copies = [args for word, args in instructions() if word == "COPY"]
    assert any("pyproject.toml" in c or c.split()[0] == "." for c in copies)


def test_runs_as_a_non_root_user() -> None:
    users = [args for word, args in instructions() if word == "USER"]
    assert users, "no USER: the processes would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), user
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
