"""JSON schemas for the KEDA objects the manifests use, written from KEDA's documentation
(keda.sh: "ScaledObject specification", "Temporal" scaler 2.21+, TriggerAuthentication), since
kubernetes-validate knows only Kubernetes' own kinds.

Strict on purpose (no unknown fields): a misspelt key is otherwise ignored by KEDA in silence.
The HPA `behavior` KEDA passes on unchanged is validated apart, as an autoscaling/v2 object.
"""

from __future__ import annotations

from typing import Any

_INT_STRING = {"type": "string", "pattern": r"^[0-9]+$"}
_BOOL_STRING = {"type": "string", "enum": ["true", "false"]}

# The `temporal` trigger's metadata (every value a string, as in all trigger metadata).
TEMPORAL_METADATA: dict[str, Any] = {
    "type": "object",
    "required": ["endpoint", "taskQueue"],
    "additionalProperties": False,
    "properties": {
        "endpoint": {"type": "string", "pattern": r"^[A-Za-z0-9.-]+:[0-9]+$"},
        "endpointFromEnv": {"type": "string"},
        "namespace": {"type": "string", "minLength": 1},
        "taskQueue": {"type": "string", "minLength": 1},
        "targetQueueSize": _INT_STRING,
        "activationTargetQueueSize": _INT_STRING,
        "queueTypes": {
            "type": "string",
            "pattern": r"^(workflow|activity|nexus)(,(workflow|activity|nexus))*$",
        },
        "workerDeploymentName": {"type": "string", "minLength": 1},
        "workerDeploymentBuildId": {"type": "string", "minLength": 1},
        "includeRunningWorkflowCount": _BOOL_STRING,
        "workflowTaskQueueForCount": {"type": "string"},
        "apiKeyFromEnv": {"type": "string"},
        "minConnectTimeout": _INT_STRING,
        "unsafeSsl": _BOOL_STRING,
        "tlsServerName": {"type": "string"},
        "enableTLS": _BOOL_STRING,
    },
    # Worker Deployment mode needs both; the deprecated build-id selectors are not accepted.
    "dependentRequired": {
        "workerDeploymentName": ["workerDeploymentBuildId"],
        "workerDeploymentBuildId": ["workerDeploymentName"],
    },
}

_METADATA = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"},
        "namespace": {"type": "string"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "additionalProperties": False,
}

SCALED_OBJECT: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "kind": {"const": "ScaledObject"},
        "metadata": _METADATA,
        "spec": {
            "type": "object",
            "required": ["scaleTargetRef", "triggers"],
            "additionalProperties": False,
            "properties": {
                "scaleTargetRef": {
                    "type": "object",
                    "required": ["name"],
                    "additionalProperties": False,
                    "properties": {
                        "apiVersion": {"type": "string"},
                        "kind": {"type": "string"},
                        "name": {"type": "string"},
                        "envSourceContainerName": {"type": "string"},
                    },
                },
                "pollingInterval": {"type": "integer", "minimum": 1},
                "cooldownPeriod": {"type": "integer", "minimum": 0},
                "initialCooldownPeriod": {"type": "integer", "minimum": 0},
                "idleReplicaCount": {"const": 0},
                "minReplicaCount": {"type": "integer", "minimum": 0},
                "maxReplicaCount": {"type": "integer", "minimum": 1},
                "fallback": {
                    "type": "object",
                    "required": ["failureThreshold", "replicas"],
                    "additionalProperties": False,
                    "properties": {
                        "failureThreshold": {"type": "integer", "minimum": 1},
                        "replicas": {"type": "integer", "minimum": 0},
                        "behavior": {
                            "enum": [
                                "static",
                                "currentReplicas",
                                "currentReplicasIfHigher",
                                "currentReplicasIfLower",
                            ]
                        },
                    },
                },
                "advanced": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "restoreToOriginalReplicaCount": {"type": "boolean"},
                        "horizontalPodAutoscalerConfig": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "name": {"type": "string"},
                                "behavior": {"type": "object"},  # checked as autoscaling/v2
                            },
                        },
                    },
                },
                "triggers": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["type", "metadata"],
                        "additionalProperties": False,
                        "properties": {
                            "type": {"const": "temporal"},  # the only scaler used here
                            "name": {"type": "string"},
                            "metadata": TEMPORAL_METADATA,
                            "useCachedMetrics": {"type": "boolean"},
                            "metricType": {"enum": ["AverageValue", "Value", "Utilization"]},
                            "authenticationRef": {
                                "type": "object",
                                "required": ["name"],
                                "additionalProperties": False,
                                "properties": {
                                    "name": {"type": "string"},
                                    "kind": {
                                        "enum": [
                                            "TriggerAuthentication",
                                            "ClusterTriggerAuthentication",
                                        ]
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}

# The Temporal scaler's authentication parameters.
TEMPORAL_AUTH_PARAMETERS = ["apiKey", "ca", "cert", "key", "keyPassword"]

TRIGGER_AUTHENTICATION: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "kind": {"const": "TriggerAuthentication"},
        "metadata": _METADATA,
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "secretTargetRef": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["parameter", "name", "key"],
                        "additionalProperties": False,
                        "properties": {
                            "parameter": {"enum": TEMPORAL_AUTH_PARAMETERS},
                            "name": {"type": "string"},
                            "key": {"type": "string"},
                        },
                    },
                },
            },
        },
    },
}

SCHEMAS = {"ScaledObject": SCALED_OBJECT, "TriggerAuthentication": TRIGGER_AUTHENTICATION}
