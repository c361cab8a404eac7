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


ENGINE = (
    '[{"name": "engine", "base_url": "https://e.example/v1", "model": "m", '
    '"key_env": "ENGINE_KEY"}]'
)


def test_an_extra_surfaces_key_is_read_from_the_env_file_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """key_env names a variable that may sit in .env like every other setting (pydantic-settings
    reads only declared fields from it); the environment still wins, and `_env_file=None`
    reads no file."""
    monkeypatch.delenv("ENGINE_KEY", raising=False)
    monkeypatch.delenv("ENGINE_KEY_FILE", raising=False)
    extra = ENGINE
    env_file = tmp_path / ".env"
    env_file.write_text(f"EXTRA_SURFACES='{extra}'\nENGINE_KEY=key-from-dotenv\nLLM_BACKEND=live\n")
    engine = Settings(_env_file=env_file).surface_configs()["engine"]  # type: ignore[call-arg]
    assert engine.api_key and engine.api_key.get_secret_value() == "key-from-dotenv"
    assert not engine.simulator
    (tmp_path / "key").write_text("key-from-a-file")
    env_file.write_text(
        f"EXTRA_SURFACES='{extra}'\nENGINE_KEY_FILE={tmp_path / 'key'}\nLLM_BACKEND=live\n"
    )
    engine = Settings(_env_file=env_file).surface_configs()["engine"]  # type: ignore[call-arg]
    assert engine.api_key and engine.api_key.get_secret_value() == "key-from-a-file"
    monkeypatch.setenv("ENGINE_KEY", "key-from-the-environment")
    engine = Settings(_env_file=env_file).surface_configs()["engine"]  # type: ignore[call-arg]
    assert engine.api_key and engine.api_key.get_secret_value() == "key-from-the-environment"
    monkeypatch.delenv("ENGINE_KEY")
    monkeypatch.setenv("EXTRA_SURFACES", extra)
    none = Settings(_env_file=None).surface_configs()["engine"]  # type: ignore[call-arg]
    assert none.simulator  # auto: no key anywhere it looks, so the simulator


def test_the_default_env_file_is_read_for_extra_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = ENGINE
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ENGINE_KEY", raising=False)
    monkeypatch.setenv("EXTRA_SURFACES", extra)
    (tmp_path / ".env").write_text("ENGINE_KEY=from-dot-env\n")
    engine = Settings().surface_configs()["engine"]
    assert engine.api_key and engine.api_key.get_secret_value() == "from-dot-env"
