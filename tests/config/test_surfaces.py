"""The built-in surfaces from settings: OpenAI, Claude, Gemini and Perplexity, each with its key,
endpoint, model, limits and task queue; which of them an audit gets by default; extras."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import Settings, settings_from_environ
from contracts.names import llm_task_queue
from worker import known_queues

SIM = "http://127.0.0.1:8900"


def settings(**environ: str) -> Settings:
    """The settings of a process started with exactly these variables."""
    return settings_from_environ(environ)


def test_four_built_in_surfaces_all_simulated_without_keys() -> None:
    configs = settings().surface_configs()
    assert list(configs) == ["openai", "claude", "gemini", "perplexity"]
    assert all(c.simulator for c in configs.values())
    gemini, perplexity = configs["gemini"], configs["perplexity"]
    assert (gemini.provider, gemini.model, gemini.base_url) == ("google", "gemini-2.5-flash", SIM)
    assert gemini.web_search == "google_search"
    assert (perplexity.provider, perplexity.model) == ("perplexity", "sonar-pro")
    assert perplexity.base_url == f"{SIM}/v1" and perplexity.web_search == "always"
    # Perplexity searches whether or not the audit asked for it.
    assert perplexity.capabilities.searches(False) and not gemini.capabilities.searches(False)
    assert gemini.capabilities.searches(True)


def test_only_openai_and_claude_are_default() -> None:
    configs = settings().surface_configs()
    assert [name for name, c in configs.items() if c.default] == ["openai", "claude"]


def test_default_surfaces_is_a_setting() -> None:
    configs = settings(DEFAULT_SURFACES="openai, gemini,perplexity").surface_configs()
    assert [name for name, c in configs.items() if c.default] == ["openai", "gemini", "perplexity"]


@pytest.mark.parametrize("names", ["openai,gemnii", ","])
def test_default_surfaces_must_be_configured(names: str) -> None:
    with pytest.raises(ValueError, match="DEFAULT_SURFACES"):
        settings(DEFAULT_SURFACES=names)


def test_keys_endpoints_and_models() -> None:
    configs = settings(
        GEMINI_API_KEY="AIza-test",
        PERPLEXITY_API_KEY="pplx-test",
        GEO_GEMINI_MODEL="gemini-3-pro-preview",
        GEO_PERPLEXITY_MODEL="sonar-reasoning-pro",
    ).surface_configs()
    gemini, perplexity = configs["gemini"], configs["perplexity"]
    assert not gemini.simulator and not perplexity.simulator
    assert gemini.api_key and gemini.api_key.get_secret_value() == "AIza-test"
    assert perplexity.api_key and perplexity.api_key.get_secret_value() == "pplx-test"
    assert gemini.base_url is None  # the SDK's own endpoint
    assert perplexity.base_url == "https://api.perplexity.ai"
    assert (gemini.model, perplexity.model) == ("gemini-3-pro-preview", "sonar-reasoning-pro")
    assert not gemini.simulator_headers  # a real provider never hears of the simulator
    # Still simulated: the surfaces whose keys are missing.
    assert configs["openai"].simulator and configs["claude"].simulator
    moved = settings(
        GEMINI_API_KEY="k",
        GEMINI_BASE_URL="https://gateway.example/gemini",
        PERPLEXITY_API_KEY="k",
        PERPLEXITY_BASE_URL="https://gateway.example/pplx",
    ).surface_configs()
    assert moved["gemini"].base_url == "https://gateway.example/gemini"
    assert moved["perplexity"].base_url == "https://gateway.example/pplx"


def test_backend_overrides_the_keys() -> None:
    simulated = settings(LLM_BACKEND="simulator", GEMINI_API_KEY="k").surface_configs()
    assert simulated["gemini"].simulator and simulated["gemini"].base_url == SIM
    live = settings(LLM_BACKEND="live").surface_configs()
    assert not live["gemini"].simulator and not live["perplexity"].simulator


def test_limits_per_surface_and_their_defaults() -> None:
    configs = settings(
        LLM_MAX_CONCURRENCY="6",
        LLM_MAX_RPS="5",
        LLM_MAX_CONCURRENCY_GEMINI="2",
        LLM_MAX_RPS_PERPLEXITY="0.5",
    ).surface_configs()
    assert (configs["gemini"].max_concurrency, configs["gemini"].max_rps) == (2, 5.0)
    assert (configs["perplexity"].max_concurrency, configs["perplexity"].max_rps) == (6, 0.5)


def test_prices_come_from_the_model_table() -> None:
    configs = settings().surface_configs()
    gemini, perplexity = configs["gemini"].pricing, configs["perplexity"].pricing
    assert (gemini.input_per_mtok, gemini.output_per_mtok, gemini.search_per_k) == (
        0.30,
        2.50,
        35.0,
    )
    assert (perplexity.input_per_mtok, perplexity.output_per_mtok, perplexity.search_per_k) == (
        3.0,
        15.0,
        10.0,
    )


def test_each_surface_has_its_own_task_queue() -> None:
    queues = known_queues(settings())
    assert {"llm-openai", "llm-claude", "llm-gemini", "llm-perplexity"} <= queues
    assert llm_task_queue("gemini") == "llm-gemini"


def test_keys_from_files(tmp_path: Path) -> None:
    (tmp_path / "gemini").write_text("AIza-from-a-file\n")
    (tmp_path / "pplx").write_text("pplx-from-a-file\n")
    configs = settings(
        GEMINI_API_KEY_FILE=str(tmp_path / "gemini"),
        PERPLEXITY_API_KEY_FILE=str(tmp_path / "pplx"),
    ).surface_configs()
    assert configs["gemini"].key == "AIza-from-a-file"
    assert configs["perplexity"].key == "pplx-from-a-file"


def test_an_extra_of_a_new_built_ins_name_takes_its_place() -> None:
    """Perplexity used to be configured as an extra: such a configuration keeps working."""
    extra = (
        '[{"name": "perplexity", "base_url": "https://api.perplexity.ai", "model": "sonar",'
        ' "key_env": "PPLX", "max_concurrency": 3}]'
    )
    configs = settings(EXTRA_SURFACES=extra).surface_configs()
    assert list(configs) == ["openai", "claude", "gemini", "perplexity"]
    assert (configs["perplexity"].provider, configs["perplexity"].model) == ("openai", "sonar")
    assert configs["perplexity"].max_concurrency == 3 and not configs["perplexity"].default


@pytest.mark.parametrize("name", ["openai", "claude"])
def test_an_extra_may_not_replace_openai_or_claude(name: str) -> None:
    extra = f'[{{"name": "{name}", "base_url": "https://x.example/v1", "model": "m"}}]'
    with pytest.raises(ValueError, match="EXTRA_SURFACES"):
        settings(EXTRA_SURFACES=extra)


def test_an_extra_may_be_a_default_surface() -> None:
    extra = '[{"name": "local", "base_url": "http://localhost:11434/v1", "model": "llama3.3"}]'
    configs = settings(EXTRA_SURFACES=extra, DEFAULT_SURFACES="openai,local").surface_configs()
    assert [name for name, c in configs.items() if c.default] == ["openai", "local"]
