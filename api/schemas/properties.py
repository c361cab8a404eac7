"""A property's profile: what may be written, and what is read back."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, HttpUrl, UrlConstraints, field_validator

from api.schemas.common import Keyword, Name, RequestModel, ShortText
from geo.domains import NotRegistrable, checked_brand_domain


class AddressIn(RequestModel):
    street: ShortText = ""
    neighborhood: Annotated[str, Field(max_length=120)] = ""
    city: Annotated[str, Field(max_length=120)] = ""
    state: Annotated[str, Field(max_length=60)] = ""
    zip: Annotated[str, Field(max_length=20)] = ""


def _registrable(value: str) -> str:
    try:
        return checked_brand_domain(value)
    except NotRegistrable as exc:
        raise ValueError(str(exc)) from exc


AlertFormat = Literal["json", "slack", "teams"]
# A portfolio label: letters, digits, spaces, dashes and underscores.
Tag = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[\w][\w \-]*$")]

# A brand's or a competitor's own domain: a registrable name, never a public suffix.
BrandDomain = Annotated[str, Field(min_length=1, max_length=255), AfterValidator(_registrable)]


class CompetitorIn(RequestModel):
    name: Name
    domain: Annotated[str, Field(max_length=255)] = ""

    @field_validator("domain")
    @classmethod
    def _registrable_domain(cls, value: str) -> str:
        return _registrable(value) if value.strip() else ""


# The columns hold 500 characters: a longer URL is refused here, not by the database.
Url = Annotated[HttpUrl, UrlConstraints(max_length=500)]


class PropertyFields(RequestModel):
    address: AddressIn | None = None
    website_url: Url | None = None
    brand_domains: Annotated[list[BrandDomain], Field(max_length=20)] | None = None
    competitors: Annotated[list[CompetitorIn], Field(max_length=20)] | None = None
    amenities: Annotated[list[Keyword], Field(max_length=50)] | None = None
    unique_selling_points: Annotated[list[ShortText], Field(max_length=20)] | None = None
    target_audience: Annotated[str, Field(max_length=1000)] | None = None
    alert_webhook_url: Url | None = Field(
        default=None, description="where to POST a JSON alert when an audit slips"
    )
    alert_score_drop: Annotated[float, Field(gt=0, le=100)] | None = None
    alert_visibility_drop: Annotated[float, Field(gt=0, le=100)] | None = None
    alert_format: AlertFormat | None = Field(
        default=None,
        description="how alerts and digests are written: plain JSON, Slack's or Microsoft "
        "Teams' incoming-webhook format",
    )
    tags: Annotated[list[Tag], Field(max_length=20)] | None = Field(
        default=None, description="free labels the portfolio groups by (lower case)"
    )
    region: Annotated[str, Field(max_length=120)] | None = Field(
        default=None, description="the region or submarket the portfolio groups by"
    )

    @field_validator("tags")
    @classmethod
    def _distinct_tags(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else list(dict.fromkeys(t.strip().lower() for t in value))

    @field_validator("region")
    @classmethod
    def _trimmed(cls, value: str | None) -> str | None:
        return None if value is None else " ".join(value.split())

    @field_validator("website_url", "alert_webhook_url")
    @classmethod
    def _http_only(cls, value: Url | None) -> Url | None:
        if value is not None and value.scheme not in ("http", "https"):
            raise ValueError("the URL must be http or https")
        return value


class PropertyCreate(PropertyFields):
    name: Name
    org_id: uuid.UUID | None = Field(
        default=None, description="admin key only: the organisation the property belongs to"
    )


class PropertyUpdate(PropertyFields):
    name: Name | None = None


class AddressOut(BaseModel):
    street: str
    neighborhood: str
    city: str
    state: str
    zip: str


class PropertyPublic(BaseModel):
    id: uuid.UUID
    org_id: uuid.UUID | None
    name: str
    address: AddressOut
    website_url: str
    brand_domains: list[str]
    competitors: list[dict[str, str]]
    amenities: list[str]
    unique_selling_points: list[str]
    target_audience: str
    alert_webhook_url: str
    alert_score_drop: float
    alert_visibility_drop: float
    alert_format: str
    tags: list[str]
    region: str
    created_at: datetime
    updated_at: datetime
