"""`propertyaudit property add|generate` with personas and languages: the body the API gets."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import FakeApi

PANEL = {
    "personas": ["families", "relocating_professionals"],
    "languages": ["en", "es"],
    "generated": 24,
    "already_present": 26,
    "total": 76,
    "queries": [],
}
PATH = "/properties/p1/queries/generate"


def test_generate_sends_the_personas_and_languages(fake_api: FakeApi) -> None:
    fake_api.on("POST", PATH, PANEL, status=201)
    result = fake_api.invoke(
        "property", "generate", "p1", "--persona", "auto", "--language", "en", "--language", "es"
    )
    assert result.exit_code == 0, result.output
    sent = json.loads(fake_api.sent("POST", PATH)[0].content)
    assert sent == {"general": True, "personas": ["auto"], "languages": ["en", "es"]}
    assert "for families, relocating_professionals (en, es): 24 new" in result.stdout
    assert "76 queries in all" in result.stdout


def test_personas_only_and_no_options_at_all(fake_api: FakeApi, tmp_path: Path) -> None:
    fake_api.on("POST", PATH, PANEL, status=201)
    fake_api.on("POST", "/properties", {"id": "p1", "name": "AMLI Aero"}, status=201)
    profile = tmp_path / "p.yaml"
    profile.write_text("name: AMLI Aero\n")
    only = fake_api.invoke("property", "generate", "p1", "--no-general", "--persona", "seniors")
    assert only.exit_code == 0, only.output
    assert json.loads(fake_api.sent("POST", PATH)[0].content) == {
        "general": False,
        "personas": ["seniors"],
        "languages": ["en"],
    }
    # No choice made: no body, the general panel in English as before.
    assert fake_api.invoke("property", "add", str(profile)).exit_code == 0
    assert fake_api.sent("POST", PATH)[1].content == b""


def test_an_unknown_persona_is_the_apis_422(fake_api: FakeApi) -> None:
    detail = [{"msg": "Input should be 'families', 'students' or 'auto'"}]
    fake_api.on("POST", PATH, {"detail": detail}, status=422)
    result = fake_api.invoke("property", "generate", "p1", "--persona", "gamers")
    assert result.exit_code == 1 and "families" in result.stderr
