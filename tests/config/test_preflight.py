"""An LLM worker with a surface it cannot ask (no key for the live API, no simulator answering)
stops at start and names the surface, instead of every question retrying for minutes."""

from __future__ import annotations

import pytest

from cli.ports import free_port
from config.preflight import UnusableSurface, check_surfaces
from config.settings import settings_from_environ


async def test_a_simulated_surface_without_a_simulator_is_named() -> None:
    settings = settings_from_environ({"LLMSIM_URL": f"http://127.0.0.1:{free_port()}"})
    with pytest.raises(UnusableSurface) as caught:
        await check_surfaces(settings, {"llm-claude", "llm-gemini"}, wait_s=0.2)
    message = str(caught.value)
    assert "surface claude has neither a key nor a simulator" in message
    assert "ANTHROPIC_API_KEY" in message and "surface gemini" in message
    assert "openai" not in message  # not served by this worker


async def test_a_live_surface_without_a_key_is_named_at_once() -> None:
    settings = settings_from_environ({"LLM_BACKEND": "live", "OPENAI_API_KEY": "sk-x"})
    with pytest.raises(
        UnusableSurface, match="surface claude: LLM_BACKEND=live .* ANTHROPIC_API_KEY"
    ):
        await check_surfaces(settings, {"llm-openai", "llm-claude"}, wait_s=0)
    await check_surfaces(settings, {"llm-openai"}, wait_s=0)  # its key is set
    await check_surfaces(settings, {"property-audit"}, wait_s=0)  # no LLM queue: nothing to ask


async def test_an_extra_surface_names_its_key_env() -> None:
    extra = '[{"name": "local", "base_url": "http://h/v1", "model": "m", "key_env": "LOCAL_KEY"}]'
    settings = settings_from_environ({"LLM_BACKEND": "live", "EXTRA_SURFACES": extra})
    with pytest.raises(UnusableSurface, match="surface local: .* LOCAL_KEY is not set"):
        await check_surfaces(settings, {"llm-local"}, wait_s=0)
