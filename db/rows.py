"""A row read into a pydantic model: the fields named as on the row come from it as they are,
so only the fields named or shaped otherwise are written out."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)


def from_row(model: type[Model], row: object, /, **differing: object) -> Model:
    """`model` from the row's attributes of the same names, and `differing` for the rest.

    A field in `differing` is never read from the row (it may be named alike and mean something
    else, or be a relationship not loaded); a field the row lacks takes its default. Nested
    models read rows too (pydantic's `from_attributes`), e.g. an answer's citations."""
    same = {
        name: getattr(row, name)
        for name in model.model_fields.keys() - differing.keys()
        if hasattr(row, name)
    }
    return model.model_validate(same | differing, from_attributes=True)
