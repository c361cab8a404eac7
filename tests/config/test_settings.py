"""Settings: secrets from files (Docker and Kubernetes secrets), the database password put
into the URL, escaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import Settings


def test_secrets_come_from_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "openai").write_text("sk-from-a-file\n")
    (tmp_path / "admin").write_text("admin-key")
    (tmp_path / "db").write_text("p@ss/w:rd")
    (tmp_path / "engine").write_text("engine-key")
    monkeypatch.setenv("OPENAI_API_KEY_FILE", str(tmp_path / "openai"))
    monkeypatch.setenv("PROPERTYAUDIT_API_KEY_FILE", str(tmp_path / "admin"))
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://app@db:5432/app")
    monkeypatch.setenv("DATABASE_PASSWORD_FILE", str(tmp_path / "db"))
    monkeypatch.setenv("ENGINE_KEY_FILE", str(tmp_path / "engine"))
    monkeypatch.setenv(
        "EXTRA_SURFACES",
        '[{"name": "engine", "base_url": "https://e.example/v1", "model": "m", '
        '"key_env": "ENGINE_KEY"}]',
    )
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (
        settings.openai_api_key and settings.openai_api_key.get_secret_value() == "sk-from-a-file"
    )
    assert settings.propertyaudit_api_key is not None
    assert settings.database_url == "postgresql+asyncpg://app:p%40ss%2Fw%3Ard@db:5432/app"
    engine = settings.surface_configs()["engine"]
    assert engine.api_key and engine.api_key.get_secret_value() == "engine-key"
    # The environment itself wins over a file.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-environment")
    assert Settings(_env_file=None).openai_api_key.get_secret_value() == "sk-from-the-environment"  # type: ignore[call-arg, union-attr]


def test_a_missing_secret_file_says_which(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY_FILE", "/nonexistent/secret")
    with pytest.raises(ValueError, match="ANTHROPIC_API_KEY_FILE"):
        Settings(_env_file=None)  # type: ignore[call-arg]
