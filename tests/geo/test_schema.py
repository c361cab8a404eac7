"""The strict JSON schemas sent to the providers: every object closed, every property required."""

from __future__ import annotations

from typing import Any

import pytest

from geo.answer import answer_block_schema
from geo.schema import array_of, one_of, strict_object
from geo.summary import summary_schema


def objects_in(schema: Any) -> list[dict[str, Any]]:
    """Every object schema in the tree, the root included."""
    if isinstance(schema, list):
        return [o for item in schema for o in objects_in(item)]
    if not isinstance(schema, dict):
        return []
    found = [schema] if schema.get("type") == "object" else []
    return found + [o for value in schema.values() for o in objects_in(value)]


def test_strict_object_requires_every_property_in_order() -> None:
    schema = strict_object({"b": {"type": "string"}, "a": {"type": "integer"}})
    assert schema == {
        "type": "object",
        "additionalProperties": False,
        "required": ["b", "a"],
        "properties": {"b": {"type": "string"}, "a": {"type": "integer"}},
    }
    reordered = strict_object({"b": {"type": "string"}, "a": {"type": "string"}}, ["a", "b"])
    assert reordered["required"] == ["a", "b"]


def test_strict_object_refuses_an_optional_or_unknown_property() -> None:
    with pytest.raises(ValueError, match="every property"):
        strict_object({"a": {"type": "string"}, "b": {"type": "string"}}, ["a"])
    with pytest.raises(ValueError, match="every property"):
        strict_object({"a": {"type": "string"}}, ["a", "c"])


def test_arrays_and_enums() -> None:
    assert array_of(one_of(["x", "y"])) == {
        "type": "array",
        "items": {"type": "string", "enum": ["x", "y"]},
    }


@pytest.mark.parametrize("make", [answer_block_schema, summary_schema])
def test_the_provider_schemas_are_strict_everywhere(make: Any) -> None:
    objects = objects_in(make())
    assert len(objects) >= 3
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert sorted(obj["required"]) == sorted(obj["properties"])


def test_each_call_gives_a_schema_of_its_own() -> None:
    first = answer_block_schema()
    first["properties"]["citations"]["items"]["properties"]["url"]["format"] = "uri"
    first["properties"]["answer_summary"]["maxLength"] = 10
    again = answer_block_schema()
    assert again["properties"]["citations"]["items"]["properties"]["url"] == {"type": "string"}
    assert again["properties"]["answer_summary"] == {"type": "string"}
    assert again["properties"]["ordered_entities"]["items"]["properties"]["name"] == {
        "type": "string"
    }
