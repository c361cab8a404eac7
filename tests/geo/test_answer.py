import json

import pytest

from geo.answer import AnswerBlock, AnswerParseError, answer_block_schema, parse_answer_block

GOOD = {
    "ordered_entities": [
        {"name": "AMLI Aero", "domain": "amli.com", "rationale": "r", "position": 1}
    ],
    "citations": [
        {"url": "https://www.amli.com/x", "domain": "amli.com", "entity_ref": "AMLI Aero"}
    ],
    "answer_summary": "s",
    "notes": {"flags": ["no_sources"]},
}


def test_plain_json() -> None:
    block = parse_answer_block(json.dumps(GOOD))
    assert block.ordered_entities[0].name == "AMLI Aero"
    assert block.citations[0].entity_ref == "AMLI Aero"


def test_fenced_and_prose_wrapped() -> None:
    assert parse_answer_block("```json\n" + json.dumps(GOOD) + "\n```").answer_summary == "s"
    assert parse_answer_block(
        "Here you go: " + json.dumps(GOOD) + " Hope it helps"
    ).notes.flags == ["no_sources"]


def test_aliases_and_defaults() -> None:
    raw = {
        "results": [
            {"name": "A", "domain": "https://www.a.com/"},
            {"name": ""},
            "junk",
            {"name": "B"},
        ],
        "citations": ["https://b.com/page", {"url": "https://www.c.com/x"}],
        "summary": "sum",
        "flags": ["outdated_info", "made_up_flag"],
    }
    block = parse_answer_block(json.dumps(raw))
    # Positions are the places in the list of named entities; junk items take none.
    assert [(e.name, e.domain, e.position) for e in block.ordered_entities] == [
        ("A", "a.com", 1),
        ("B", "", 2),
    ]
    assert [(c.domain, c.entity_ref) for c in block.citations] == [("b.com", ""), ("c.com", "")]
    assert block.answer_summary == "sum" and block.notes.flags == ["outdated_info"]


@pytest.mark.parametrize("text", ["", "no json here", "{not json}", "[1, 2]", '{"answer": "x"}'])
def test_unusable_answers_raise(text: str) -> None:
    with pytest.raises(AnswerParseError):
        parse_answer_block(text)


def test_schema_and_validator_agree() -> None:
    """Every field the strict schema requires is one the validator knows, and vice versa."""
    schema = answer_block_schema()
    assert set(schema["required"]) == set(AnswerBlock.model_fields)
    citation = schema["properties"]["citations"]["items"]
    assert set(citation["required"]) == {"url", "domain", "entity_ref"}
    entity = schema["properties"]["ordered_entities"]["items"]
    assert set(entity["required"]) == {"name", "domain", "rationale", "position"}
    # an object that satisfies the strict schema validates
    AnswerBlock.model_validate(GOOD)
