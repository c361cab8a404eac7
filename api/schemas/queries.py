"""A property's query panel: the questions an audit asks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.schemas.common import QueryTypeName, RequestModel
from geo.panel_spec import Language, PanelSpec
from geo.personas import PersonaKey

QueryText = Annotated[str, Field(min_length=3, max_length=500)]
Weight = Annotated[float, Field(gt=0, le=10)]
# Who asks a question: "" for any renter, else a persona of the catalogue (geo.personas).
QueryPersona = PersonaKey | Literal[""]


class PanelRequest(RequestModel):
    """Which panel to generate: the general questions, personas' questions ("auto": those the
    profile's target audience names), in which languages. No body: the general panel in English."""

    general: bool = True
    personas: Annotated[list[PersonaKey | Literal["auto"]], Field(max_length=10)] = []
    languages: Annotated[list[Language], Field(min_length=1, max_length=10)] = ["en"]

    @model_validator(mode="after")
    def _asks_for_something(self) -> PanelRequest:
        if not self.general and not self.personas:
            raise ValueError(
                "nothing to generate: ask for the general panel or at least one persona"
            )
        return self

    def spec(self) -> PanelSpec:
        return PanelSpec(
            general=self.general, personas=tuple(self.personas), languages=tuple(self.languages)
        )


class QueryCreate(RequestModel):
    text: QueryText
    type: QueryTypeName = "category"
    weight: Weight = 1.0
    is_active: bool = True
    persona: QueryPersona = ""
    language: Language = "en"


class QueryUpdate(RequestModel):
    text: QueryText | None = None
    type: QueryTypeName | None = None
    weight: Weight | None = None
    is_active: bool | None = None
    persona: QueryPersona | None = None
    language: Language | None = None


class QueriesActivation(RequestModel):
    """Activate or deactivate many questions at once: the ones named, those of one type, or
    (with neither) the whole panel."""

    is_active: bool
    query_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=500)] | None = None
    type: QueryTypeName | None = None


class QueryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    property_id: uuid.UUID
    text: str
    type: str
    weight: float
    persona: str
    language: str
    geo: str
    is_active: bool
    generated: bool
    created_at: datetime
    updated_at: datetime


class QueryList(BaseModel):
    queries: list[QueryPublic]
    total: int
    by_type: dict[str, int]
    by_persona: dict[str, int] = Field(description='"" counts the questions of any renter')
    by_language: dict[str, int]
    updated: int | None = None


class GenerateResult(BaseModel):
    personas: list[str] = Field(description="the personas generated for, auto resolved")
    languages: list[str]
    generated: int
    already_present: int
    total: int
    queries: list[QueryPublic]
