"""What every body shares: the error body, text that must be storable, bounded scalar types."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ShortText = Annotated[str, Field(max_length=200)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Keyword = Annotated[str, Field(min_length=1, max_length=120)]
SurfaceName = Annotated[str, Field(min_length=1, max_length=40)]
QueryTypeName = Literal["branded", "category", "comparison", "local", "faq", "voice_search"]
Mode = Literal["structured", "natural"]


class ErrorOut(BaseModel):
    detail: Any


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in (
        (400, "Malformed request"),
        (401, "Missing X-API-Key"),
        (403, "Wrong X-API-Key"),
        (404, "Unknown id"),
        (409, "Conflicts with the stored state"),
        (413, "The request body is larger than MAX_REQUEST_BYTES"),
        (422, "The request is invalid: a list of field errors, or a sentence saying what is wrong"),
        (429, "Too many paid starts for this API key (see Retry-After)"),
        (503, "A backing service (database, Temporal) is unavailable"),
    )
}


def _check_text(value: Any, path: str = "") -> None:
    """Text must be storable: no NUL characters, no lone UTF-16 surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(f"{path or 'text'} must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"{path or 'text'} is not valid Unicode text") from exc
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_text(item, f"{path}[{index}]")


class RequestModel(BaseModel):
    """Every request body: unknown fields refused, text checked before it nears the database."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        _check_text(data)
        return data
