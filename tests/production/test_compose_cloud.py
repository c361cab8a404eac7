"""Temporal Cloud without editing docker-compose.yml: deploy/compose/temporal-cloud.yml (API key)
and temporal-cloud-mtls.yml (client certificate) forward the address, the namespace, the
credentials and the UI URL to every service that connects, and leave the local Temporal out."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import settings_from_environ
from tests.production.compose import APP, ONE_SHOT, SERVICES, Obj, compose, rendered

CLOUD = ("deploy/compose/temporal-cloud.yml",)
MTLS = (*CLOUD, "deploy/compose/temporal-cloud-mtls.yml")
NAMESPACE = "audits.a1b2c"
CLOUD_ENV = {
    "TEMPORAL_ADDRESS": f"{NAMESPACE}.tmprl.cloud:7233",
    "TEMPORAL_NAMESPACE": NAMESPACE,
    "TEMPORAL_API_KEY": "cloud-key",
}
LOCAL_TEMPORAL = {"temporal", "temporal-schema", "temporal-ui"}
# What connects to Temporal: the long-running app services and the setup check.
CONNECTS = {n for n in APP - ONE_SHOT if "TEMPORAL_ADDRESS" in SERVICES[n]["environment"]} | {
    "temporal-setup"
}


def secret_files(service: Obj, tmp_path: Path, contents: dict[str, str]) -> dict[str, str]:
    """The service's environment with each /run/secrets/<name> path replaced by a file here."""
    env = {}
    for key, value in service["environment"].items():
        if str(value).startswith("/run/secrets/"):
            name = str(value).rsplit("/", 1)[1]
            assert name in {s["source"] for s in service["secrets"]}, (key, name)
            path = tmp_path / name
            path.write_text(contents.get(name, "x"))
            value = str(path)
        env[key] = str(value)
    return env


def test_the_cloud_override_replaces_the_local_temporal_everywhere(tmp_path: Path) -> None:
    services = rendered(CLOUD, **CLOUD_ENV)["services"]
    assert LOCAL_TEMPORAL.isdisjoint(services), "the local server would still start"
    assert {"api", "worker", "llm-openai", "temporal-setup"} <= CONNECTS
    for name in CONNECTS:
        service = services[name]
        for dep in service.get("depends_on", {}):
            assert dep in services or service["depends_on"][dep].get("required") is False
        env = service["environment"]
        assert env["TEMPORAL_ADDRESS"] == CLOUD_ENV["TEMPORAL_ADDRESS"], name
        assert env["TEMPORAL_NAMESPACE"] == NAMESPACE, name
        assert env["TEMPORAL_UI_URL"] == f"https://cloud.temporal.io/namespaces/{NAMESPACE}"
        if name == "temporal-setup":
            assert env["TEMPORAL_MANAGE_NAMESPACE"] == "false"  # Cloud owns the namespace
            continue
        # What the process reads: the key from the secret's file, never from its environment.
        assert "TEMPORAL_API_KEY" not in env
        settings = settings_from_environ(secret_files(service, tmp_path, {}))
        assert settings.temporal_address == CLOUD_ENV["TEMPORAL_ADDRESS"]
        assert settings.temporal_api_key is not None, name
        deps = service["depends_on"]
        assert deps["temporal-setup"]["condition"] == "service_completed_successfully", name


def test_the_api_key_reaches_every_connecting_service_as_a_secret() -> None:
    rendered_file = rendered(CLOUD, **CLOUD_ENV)
    assert rendered_file["secrets"]["temporal_api_key"]["environment"] == "TEMPORAL_API_KEY"
    for name in CONNECTS:
        sources = {s["source"] for s in rendered_file["services"][name]["secrets"]}
        assert "temporal_api_key" in sources, name


@pytest.mark.parametrize("missing", ["TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE"])
def test_the_cloud_override_refuses_to_render_without_its_address(missing: str) -> None:
    from tests.production.compose import REQUIRED

    env = {**REQUIRED, **{k: v for k, v in CLOUD_ENV.items() if k != missing}}
    done = compose("config", "--quiet", env=env, files=CLOUD)
    assert done.returncode != 0 and missing in done.stderr


def test_mtls_paths_are_mounted_and_read_by_every_connecting_service(tmp_path: Path) -> None:
    cert, key = tmp_path / "client.pem", tmp_path / "client.key"
    cert.write_text("CERT")
    key.write_text("KEY")
    env = {k: v for k, v in CLOUD_ENV.items() if k != "TEMPORAL_API_KEY"}
    env |= {"TEMPORAL_TLS_CERT_PATH": str(cert), "TEMPORAL_TLS_KEY_PATH": str(key)}
    done = rendered(MTLS, **env)
    assert done["secrets"]["temporal_tls_cert"]["file"] == str(cert)
    for name in CONNECTS - {"temporal-setup"}:
        service = done["services"][name]
        mounted = tmp_path / name
        mounted.mkdir()
        # The key's secret is empty without TEMPORAL_API_KEY: the setting reads as unset.
        files = secret_files(service, mounted, {"temporal_api_key": ""})
        settings = settings_from_environ(files)
        assert settings.temporal_api_key is None, name
        assert settings.temporal_tls_cert_path == str(mounted / "temporal_tls_cert"), name
        assert settings.temporal_tls_key_path == str(mounted / "temporal_tls_key"), name
