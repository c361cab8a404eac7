"""deploy/k8s: every overlay renders, validates against Kubernetes' own schemas, and runs the code
as it is (real settings, real health endpoints, one LLM worker per surface), hardened."""

from __future__ import annotations

import re

import kubernetes_validate
import pytest

from api.routers.health import router as health_router
from config.secrets import SECRET_FIELDS
from config.settings import Settings, settings_from_environ
from config.surfaces import BUILT_IN
from contracts.names import SEARCH_ATTRIBUTES, TASK_QUEUE, llm_task_queue
from llmsim.knobs import ServeSettings, SimConfig
from llmsim.server import create_app
from tests.production.k8s import (
    K8S,
    OVERLAYS,
    Obj,
    app_workloads,
    command,
    config,
    containers,
    env,
    is_app,
    labels_match,
    named,
    of_kind,
    pod_spec,
    render,
)

# The oldest Kubernetes minor still supported upstream when this was written, and the newest
# the validator knows: a manifest valid on both is valid on the clusters in between.
KUBERNETES_VERSIONS = ("1.33", "1.37")
KEDA_GROUP = "keda.sh/"
SETTINGS_VARS = {name.upper() for name in Settings.model_fields}
FILE_VARS = {f"{name.upper()}_FILE" for name in SECRET_FIELDS}
LLMSIM_VARS = {
    *(f"LLMSIM_{name.upper()}" for name in SimConfig.model_fields),
    *(f"LLMSIM_{name.upper()}" for name in ServeSettings.model_fields),
    "LOG_FORMAT",
    "LOG_LEVEL",
}
WORKER = ["propertyaudit-worker"]  # the console script (pyproject.toml), worker.py's run()
HASH_SUFFIX = re.compile(r"-[a-z0-9]{10}$")  # what kustomize appends to generated names


def test_there_are_dev_and_production_overlays() -> None:
    assert {"dev", "production", "production-cloud"} <= set(OVERLAYS)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_overlay_renders_once_per_object(overlay: str) -> None:
    objects = render(overlay)
    ids = [(o["kind"], o["metadata"]["name"]) for o in objects]
    assert len(ids) == len(set(ids))
    assert {"Namespace", "ConfigMap", "Deployment", "Service", "Job", "PodDisruptionBudget"} <= {
        kind for kind, _ in ids
    }
    [namespace] = of_kind(objects, "Namespace")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == namespace["metadata"]["name"], obj


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_core_objects_validate_strictly(overlay: str, version: str) -> None:
    for obj in render(overlay):
        if obj["apiVersion"].startswith(KEDA_GROUP):
            continue  # tests/production/test_k8s_scaling.py, against KEDA's documented schema
        kubernetes_validate.validate(obj, version, strict=True)


def test_the_strict_validation_rejects_an_unknown_field() -> None:
    deployment = dict(named(render("dev"), "Deployment", "api"))
    deployment["spec"] = {**deployment["spec"], "replica": 2}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_is_hardened_and_sized(overlay: str) -> None:
    for workload in of_kind(render(overlay), "Deployment") + of_kind(render(overlay), "Job"):
        name = workload["metadata"]["name"]
        spec = pod_spec(workload)
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True, name
        assert isinstance(pod["runAsUser"], int) and pod["runAsUser"] > 0, name
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        for container in containers(workload):
            sc = container["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False, (name, container["name"])
            assert sc["readOnlyRootFilesystem"] is True, (name, container["name"])
            assert sc["capabilities"] == {"drop": ["ALL"]}, (name, container["name"])
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) == {"cpu", "memory"}, (name, bound)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_has_one_disruption_budget(overlay: str) -> None:
    objects = render(overlay)
    budgets = of_kind(objects, "PodDisruptionBudget")
    for deployment in of_kind(objects, "Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        covering = [
            b["metadata"]["name"]
            for b in budgets
            if labels_match(b["spec"]["selector"]["matchLabels"], labels)
        ]
        assert len(covering) == 1, (deployment["metadata"]["name"], covering)


def _probes(container: Obj) -> dict[str, Obj]:
    return {
        p: container[p]
        for p in ("startupProbe", "livenessProbe", "readinessProbe")
        if p in container
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_probes_ask_the_real_endpoints(overlay: str) -> None:
    objects = render(overlay)
    settings = config(objects)
    health = {route.path for route in health_router.routes}  # type: ignore[attr-defined]
    simulator = {route.path for route in create_app().routes}  # type: ignore[attr-defined]
    metrics_port = int(settings["WORKER_METRICS_PORT"])
    # The kubelet probes the pod's address: the worker must listen beyond loopback.
    assert settings["WORKER_METRICS_HOST"] == "0.0.0.0"
    for deployment in of_kind(objects, "Deployment"):
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            probes = _probes(container)
            assert {"livenessProbe", "readinessProbe"} <= set(probes), deployment["metadata"]
            ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
            cmd = command(container)
            if not is_app(container):
                continue
            if cmd[0] == "uvicorn":
                assert {"/healthz", "/readyz"} <= health
                assert probes["livenessProbe"]["httpGet"]["path"] == "/healthz"
                assert probes["readinessProbe"]["httpGet"]["path"] == "/readyz"
                assert str(ports["http"]) == cmd[cmd.index("--port") + 1]
            elif cmd[:1] == WORKER:
                assert probes["livenessProbe"]["httpGet"] == {"path": "/metrics", "port": "metrics"}
                assert ports["metrics"] == metrics_port
                ready = " ".join(probes["readinessProbe"]["exec"]["command"])
                assert f"127.0.0.1:{metrics_port}/metrics" in ready
                assert "temporal_num_pollers" in ready
            else:
                assert cmd == ["python", "-m", "llmsim"], cmd
                assert "/healthz" in simulator
                assert probes["readinessProbe"]["httpGet"]["path"] == "/healthz"
                assert str(ports["http"]) == env(container)["LLMSIM_PORT"]


def _secret_files(
    workload: Obj, container: Obj, generated: dict[str, str]
) -> dict[str, tuple[str, str]]:
    """Each *_FILE variable → (Secret, key) of the file it names, from the container's mounts."""
    volumes = {v["name"]: v for v in pod_spec(workload).get("volumes", [])}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in container.get("volumeMounts", [])}
    found = {}
    for var, path in env(container).items():
        if var.endswith("_FILE"):
            directory, _, key = path.rpartition("/")
            assert directory in mounts and "secret" in mounts[directory], (var, path)
            secret = mounts[directory]["secret"]["secretName"]
            found[var] = (generated.get(secret, secret), key)
    return found


def _documented_secrets() -> set[tuple[str, str]]:
    rows = re.findall(r"^\| `(propertyaudit-[a-z-]+)` \| `([a-z-]+)` \|", _readme(), re.M)
    return set(rows)


def _readme() -> str:
    return (K8S / "README.md").read_text()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_variable_is_a_setting_with_a_valid_value(overlay: str) -> None:
    objects = render(overlay)
    shared = config(objects)
    assert set(shared) <= SETTINGS_VARS, set(shared) - SETTINGS_VARS
    secrets = {s["metadata"]["name"]: s for s in of_kind(objects, "Secret")}
    # A generated Secret's name, without the hash suffix kustomize gave it.
    generated = {name: HASH_SUFFIX.sub("", name) for name in secrets}
    data = {generated[name]: s["data"] for name, s in secrets.items()}
    for workload in of_kind(objects, "Deployment") + of_kind(objects, "Job"):
        for container in containers(workload):
            variables = env(container)
            if not is_app(container):
                continue
            if command(container)[:3] == ["python", "-m", "llmsim"]:
                assert set(variables) <= LLMSIM_VARS, set(variables) - LLMSIM_VARS
                continue
            assert set(variables) <= SETTINGS_VARS | FILE_VARS, set(variables) - SETTINGS_VARS
            for var, (secret, key) in _secret_files(workload, container, generated).items():
                assert (secret, key) in _documented_secrets(), (var, secret, key)
                if data:  # generated by the overlay (dev); production creates them apart
                    assert key in data[secret], (secret, key)
            # What the process would read, parsed by the settings themselves (files aside).
            plain = {k: v for k, v in variables.items() if not k.endswith("_FILE") and v}
            settings_from_environ({**shared, **plain})


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_one_worker_per_task_queue_with_only_its_own_key(overlay: str) -> None:
    objects = render(overlay)
    key_files = {f"{row.key_field.upper()}_FILE": name for name, row in BUILT_IN.items()}
    polled: dict[str, list[str]] = {}
    for workload in app_workloads(objects):
        for container in containers(workload, init=False):
            cmd = command(container)
            if cmd[:1] != WORKER:
                continue
            queue = cmd[cmd.index("--queues") + 1]
            polled.setdefault(queue, []).append(workload["metadata"]["name"])
            keys = {key_files[v] for v in env(container) if v in key_files}
            surface = {f"llm-{s}": s for s in BUILT_IN}.get(queue)
            assert keys == ({surface} if surface else set()), (queue, keys)
    expected = {TASK_QUEUE, *(llm_task_queue(name) for name in BUILT_IN)}
    assert set(polled) == expected
    assert all(len(names) == 1 for names in polled.values()), polled


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_workers_outlast_an_llm_call_when_stopped(overlay: str) -> None:
    objects = render(overlay)
    settings = settings_from_environ(config(objects))
    for workload in app_workloads(objects):
        if any(command(c)[:1] == WORKER for c in containers(workload)):
            grace = pod_spec(workload)["terminationGracePeriodSeconds"]
            # The worker's own drain (graceful_shutdown_s) outlasts a call; the pod outlasts both.
            assert grace > settings.graceful_shutdown_s > settings.llm_timeout_s, workload


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_app_pod_waits_for_the_migrations_the_job_runs(overlay: str) -> None:
    objects = render(overlay)
    jobs = [j for j in of_kind(objects, "Job") if is_app(containers(j)[0])]
    assert [command(c) for j in jobs for c in containers(j)] == [["propertyaudit", "migrate"]]
    for deployment in of_kind(objects, "Deployment"):
        app = [c for c in containers(deployment, init=False) if is_app(c)]
        if app and command(app[0])[:3] != ["python", "-m", "llmsim"]:
            init = pod_spec(deployment)["initContainers"]
            assert "propertyaudit migrate --check" in " ".join(command(init[0])), deployment


def test_the_dev_temporal_server_registers_the_search_attributes() -> None:
    temporal = named(render("dev"), "Deployment", "temporal")
    args = command(containers(temporal)[0])
    assert args[:2] == ["server", "start-dev"]
    for key in SEARCH_ATTRIBUTES:
        assert f"--search-attribute={key.name}=Keyword" in args
    assert config(render("dev"))["TEMPORAL_ADDRESS"] == "temporal:7233"
