"""deploy/k8s production overlays: autoscaling per surface on Temporal's backlog (KEDA), bounded by
each provider's rate limit, and builds rolled as Worker Deployment versions."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from config.settings import Settings, settings_from_environ
from config.surfaces import BUILT_IN
from contracts.names import llm_task_queue
from tests.production.k8s import (
    BUILD_LABEL,
    K8S,
    PRODUCTION,
    VERSIONED,
    Obj,
    app_workloads,
    config,
    containers,
    env,
    kustomize,
    labels_match,
    labels_of,
    named,
    of_kind,
    render,
)
from tests.production.keda_schema import SCHEMAS

# A label value (and a DNS-label suffix): what a build id may be.
BUILD_ID = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,40}[a-z0-9])?$")


def _trigger(scaled: Obj) -> dict[str, str]:
    [trigger] = scaled["spec"]["triggers"]
    assert trigger["type"] == "temporal"
    metadata: dict[str, str] = trigger["metadata"]
    return metadata


def _build(objects: list[Obj]) -> str:
    api = named(objects, "Deployment", "api")
    build: str = api["metadata"]["labels"][BUILD_LABEL]
    return build


@pytest.mark.parametrize("overlay", PRODUCTION)
def test_keda_objects_follow_kedas_documented_schema(overlay: str) -> None:
    objects = render(overlay)
    kinds = {o["kind"] for o in objects if o["apiVersion"].startswith("keda.sh/")}
    assert kinds <= set(SCHEMAS) and "ScaledObject" in kinds
    for obj in objects:
        if obj["kind"] in SCHEMAS:
            jsonschema.Draft202012Validator(SCHEMAS[obj["kind"]]).validate(obj)
        if obj["kind"] == "ScaledObject":
            # KEDA hands `behavior` to the HorizontalPodAutoscaler it makes: validate it there.
            hpa = {
                "apiVersion": "autoscaling/v2",
                "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": obj["metadata"]["name"]},
                "spec": {
                    "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "x"},
                    "maxReplicas": obj["spec"]["maxReplicaCount"],
                    "behavior": obj["spec"]["advanced"]["horizontalPodAutoscalerConfig"][
                        "behavior"
                    ],
                },
            }
            kubernetes_validate.validate(hpa, "1.37", strict=True)


def test_the_keda_schema_rejects_a_misspelt_trigger_field() -> None:
    scaled = of_kind(render("production"), "ScaledObject")[0]
    metadata = {**_trigger(scaled), "taskqueue": "llm-openai"}
    broken = {
        **scaled,
        "spec": {**scaled["spec"], "triggers": [{"type": "temporal", "metadata": metadata}]},
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMAS["ScaledObject"]).validate(broken)


@pytest.mark.parametrize("overlay", PRODUCTION)
def test_each_surface_scales_on_its_own_queue_within_its_rate_limit(overlay: str) -> None:
    objects = render(overlay)
    settings = config(objects)
    deployments = {d["metadata"]["name"]: d for d in of_kind(objects, "Deployment")}
    scaled = {_trigger(s)["taskQueue"]: s for s in of_kind(objects, "ScaledObject")}
    assert set(scaled) == {llm_task_queue(name) for name in BUILT_IN}
    for surface in BUILT_IN:
        so = scaled[llm_task_queue(surface)]
        trigger = _trigger(so)
        target = deployments[so["spec"]["scaleTargetRef"]["name"]]
        [worker] = containers(target, init=False)
        assert worker["command"][-1] == llm_task_queue(surface)
        # KEDA owns the replica count: a manifest value would reset it on every apply.
        assert "replicas" not in target["spec"]
        assert trigger["queueTypes"] == "activity"
        assert trigger["endpoint"] == settings["TEMPORAL_ADDRESS"]
        assert trigger["namespace"] == settings["TEMPORAL_NAMESPACE"]
        deployment_name = settings.get("WORKER_DEPLOYMENT_NAME", Settings().worker_deployment_name)
        assert trigger["workerDeploymentName"] == deployment_name
        assert trigger["workerDeploymentBuildId"] == env(worker)["WORKER_BUILD_ID"]
        # The bound: replicas x concurrency = RPM / 60 x call seconds (Little's law), and the
        # server-side rate limit is the same RPM.
        name = surface.upper()
        concurrency = int(
            settings.get(f"LLM_MAX_CONCURRENCY_{name}", settings["LLM_MAX_CONCURRENCY"])
        )
        rpm = float(so["metadata"]["annotations"]["propertyaudit.io/provider-rpm"])
        seconds = float(so["metadata"]["annotations"]["propertyaudit.io/call-seconds"])
        assert float(settings[f"LLM_MAX_RPS_{name}"]) == pytest.approx(rpm / 60)
        assert so["spec"]["maxReplicaCount"] == math.ceil(rpm / 60 * seconds / concurrency)
        # The workflow worker plans each audit for the bound: replicas x per-replica calls.
        planned = settings_from_environ(settings).planned_surfaces()[surface]
        assert planned.max_concurrency == so["spec"]["maxReplicaCount"] * concurrency
        assert int(trigger["targetQueueSize"]) == concurrency
        # Every version keeps a poller on each of its queues while audits are pinned to it.
        assert so["spec"]["minReplicaCount"] >= 1


@pytest.mark.parametrize("overlay", PRODUCTION)
def test_workers_are_versions_named_after_the_build(overlay: str) -> None:
    objects = render(overlay)
    build = _build(objects)
    assert BUILD_ID.match(build), build
    for workload in app_workloads(objects):
        for container in containers(workload):
            assert container["image"].endswith(f"/propertyaudit:{build}"), container["image"]
    versioned = [o for o in objects if labels_of(o).get(VERSIONED) == "true"]
    assert {o["kind"] for o in versioned} == {
        "Deployment",
        "PodDisruptionBudget",
        "ScaledObject",
        "Job",
    }
    for obj in versioned:
        assert obj["metadata"]["name"].endswith(f"-{build}"), obj["metadata"]["name"]
        assert obj["metadata"]["labels"][BUILD_LABEL] == build
        if obj["kind"] in ("Deployment", "PodDisruptionBudget"):
            assert obj["spec"]["selector"]["matchLabels"][BUILD_LABEL] == build
        if obj["kind"] == "Deployment":
            [worker] = containers(obj, init=False)
            assert env(worker)["WORKER_BUILD_ID"] == build
    # The API is not a worker: it keeps its name and rolls in place behind its Service.
    assert (
        named(objects, "Service", "api")["spec"]["selector"]
        == named(objects, "Deployment", "api")["spec"]["selector"]["matchLabels"]
    )


def _with_build(tmp: Path, build: str) -> list[Obj]:
    """The production overlay rendered with another build id, as a release edits it."""
    tree = tmp / "k8s"
    shutil.copytree(K8S, tree)
    path = tree / "overlays" / "production" / "kustomization.yaml"
    kustomization = yaml.safe_load(path.read_text())
    [labels] = kustomization["labels"]
    labels["pairs"][BUILD_LABEL] = build
    path.write_text(yaml.safe_dump(kustomization))
    return kustomize(tree / "overlays" / "production")


def test_a_new_build_starts_beside_the_old_one(tmp_path: Path) -> None:
    old = render("production")
    new = _with_build(tmp_path, "2026.12.01-abc1234")
    versioned = {VERSIONED: "true"}

    def ids(objects: list[Obj], *, of_versions: bool) -> set[tuple[str, str]]:
        return {
            (o["kind"], o["metadata"]["name"])
            for o in objects
            if labels_match(versioned, labels_of(o)) == of_versions
        }

    # Applying the new render creates the new build's workers and leaves the old build's alone
    # (different names); the rest (API, Service, ConfigMap, ...) is updated in place.
    assert not ids(old, of_versions=True) & ids(new, of_versions=True)
    assert len(ids(old, of_versions=True)) == len(ids(new, of_versions=True))
    assert ids(old, of_versions=False) == ids(new, of_versions=False)
    # No selector of the new build takes the old build's pods, nor the other way round.
    for mine, theirs in ((new, old), (old, new)):
        pods = [
            d["spec"]["template"]["metadata"]["labels"]
            for d in of_kind(theirs, "Deployment")
            if labels_of(d).get(VERSIONED)
        ]
        for obj in of_kind(mine, "Deployment") + of_kind(mine, "PodDisruptionBudget"):
            if labels_of(obj).get(VERSIONED):
                selector = obj["spec"]["selector"]["matchLabels"]
                assert not any(labels_match(selector, labels) for labels in pods)
    scaled = {_trigger(s)["workerDeploymentBuildId"] for s in of_kind(new, "ScaledObject")}
    assert scaled == {"2026.12.01-abc1234"}


def test_the_readme_gives_the_release_and_cleanup_commands() -> None:
    readme = " ".join((K8S / "README.md").read_text().split())
    assert f"delete deploy,pdb,scaledobject,job -l {VERSIONED}=true,{BUILD_LABEL}=<old>" in readme
    assert "set-current-version --deployment-name propertyaudit --build-id <new>" in readme
    assert "DrainageStatus: drained" in readme
