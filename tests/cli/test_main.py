"""The root of `propertyaudit`: --version, and where the API is and which key it gets."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from tests.cli.conftest import FakeApi

WIDE = {"COLUMNS": "200"}  # help text unwrapped, so the assertions see whole phrases


def test_version_prints_the_package_version(fake_api: FakeApi) -> None:
    result = fake_api.invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == version("propertyaudit") + "\n"
    assert not fake_api.requests


def test_help_documents_the_api_options_with_their_env_vars(fake_api: FakeApi) -> None:
    shown = fake_api.invoke("--help", env=WIDE).stdout
    for text in ("--api-url", "PROPERTYAUDIT_API_URL", "--api-key", "PROPERTYAUDIT_API_KEY"):
        assert text in shown
    assert "Exit codes" in shown


def test_the_env_vars_choose_the_api_and_its_key(fake_api: FakeApi) -> None:
    fake_api.on("GET", "/audits", [])
    env = {"PROPERTYAUDIT_API_URL": "http://from-env.test:9", "PROPERTYAUDIT_API_KEY": "env-key"}
    result = fake_api.invoke("audit", "list", "--json", env=env, url=None, key=None)
    assert result.exit_code == 0, result.output
    (sent,) = fake_api.requests
    assert (sent.url.host, sent.url.port) == ("from-env.test", 9)
    assert sent.headers["X-API-Key"] == "env-key"


def test_the_options_win_over_the_env_vars(fake_api: FakeApi) -> None:
    fake_api.on("GET", "/audits", [])
    env = {"PROPERTYAUDIT_API_URL": "http://from-env.test", "PROPERTYAUDIT_API_KEY": "env-key"}
    args = ("--api-url", "https://flag.test/", "--api-key", "flag-key", "audit", "list")
    assert fake_api.invoke(*args, env=env, url=None, key=None).exit_code == 0
    (sent,) = fake_api.requests
    assert str(sent.url).startswith("https://flag.test/audits")
    assert sent.headers["X-API-Key"] == "flag-key"


def test_unset_the_settings_decide_as_they_always_did(
    fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No option, no PROPERTYAUDIT_API_URL: the local API on API_PORT, and no key sent."""
    monkeypatch.setenv("API_PORT", "8123")
    fake_api.on("GET", "/audits", [])
    assert fake_api.invoke("audit", "list", url=None, key=None).exit_code == 0
    (sent,) = fake_api.requests
    assert str(sent.url).startswith("http://127.0.0.1:8123/audits")
    assert "X-API-Key" not in sent.headers


def test_an_api_url_that_is_no_url_is_a_usage_error(fake_api: FakeApi) -> None:
    result = fake_api.invoke("--api-url", "localhost:8000", "audit", "list", url=None)
    assert result.exit_code == 2
    assert "--api-url" in result.stderr and not result.stdout
    assert not fake_api.requests
