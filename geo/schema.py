"""Building blocks of the strict JSON schemas sent to the providers (OpenAI strict mode).

Each call returns fresh dicts, so a caller may extend a schema without touching another's.
"""

from __future__ import annotations

from typing import Any


def strict_object(
    properties: dict[str, dict[str, Any]], required: list[str] | None = None
) -> dict[str, Any]:
    """An object with no extra properties whose every property is required (strict mode rejects
    a schema that leaves one optional); `required` may list them in another order."""
    listed = list(properties) if required is None else required
    if sorted(listed) != sorted(properties):
        raise ValueError(f"strict mode requires every property: {listed} vs {list(properties)}")
    return {
        "type": "object",
        "additionalProperties": False,
        "required": listed,
        "properties": properties,
    }


def string() -> dict[str, Any]:
    return {"type": "string"}


def integer() -> dict[str, Any]:
    return {"type": "integer"}


def array_of(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def one_of(values: list[str]) -> dict[str, Any]:
    """A string that must be one of `values`."""
    return {"type": "string", "enum": values}
