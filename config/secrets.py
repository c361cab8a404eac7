"""Secrets from files: `<NAME>_FILE` names the file that holds the setting (Docker and
Kubernetes secrets), below the environment itself in priority."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from pydantic.fields import FieldInfo
from pydantic_settings import PydanticBaseSettingsSource

# Secrets that may come from a file instead: `OPENAI_API_KEY_FILE=/run/secrets/openai_api_key`.
SECRET_FIELDS = (
    "openai_api_key",
    "anthropic_api_key",
    "gemini_api_key",
    "perplexity_api_key",
    "propertyaudit_api_key",
    "temporal_api_key",
    "database_url",
    "database_password",
)


def read_secret_file(variable: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The content of the file `<VARIABLE>_FILE` names (Docker and Kubernetes secrets)."""
    path = (environ if environ is not None else os.environ).get(f"{variable}_FILE")
    if not path:
        return None
    try:
        return Path(path).read_text().strip()
    except OSError as exc:
        raise ValueError(f"{variable}_FILE={path}: {exc.strerror}") from exc


class FileSecrets(PydanticBaseSettingsSource):
    """Each secret setting from the file its `<NAME>_FILE` variable names, below the
    environment itself in priority."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return read_secret_file(field_name.upper()), field_name, False

    def __call__(self) -> dict[str, Any]:
        found = {name: read_secret_file(name.upper()) for name in SECRET_FIELDS}
        return {name: value for name, value in found.items() if value}


def dotenv_of(env_file: str | Path | Sequence[str | Path] | None) -> dict[str, str]:
    """Every variable of the .env file(s) a Settings instance reads (later files win)."""
    if env_file is None:
        return {}
    files = [env_file] if isinstance(env_file, str | Path) else env_file
    found: dict[str, str] = {}
    for path in files:
        if Path(path).is_file():
            found.update({k: v for k, v in dotenv_values(path).items() if v})
    return found


def extra_key(variable: str, dotenv: Mapping[str, str]) -> str:
    """An extra surface's key as its `key_env` names it: the environment, then a
    `<VARIABLE>_FILE`, then the .env file (its value, or the file its `_FILE` names)."""
    return (
        os.environ.get(variable)
        or read_secret_file(variable)
        or dotenv.get(variable)
        or read_secret_file(variable, dotenv)
        or ""
    )
