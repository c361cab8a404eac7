"""The property profile: who the brand is and where it stands."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Address(BaseModel):
    street: str = ""
    neighborhood: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""

    def city_state(self) -> str:
        city = self.city or "Unknown City"
        return f"{city}, {self.state}" if self.state else city

    def full(self) -> str:
        return ", ".join(p for p in (self.street, self.city, self.state, self.zip) if p)


class Competitor(BaseModel):
    name: str
    domain: str = ""


class PropertyProfile(BaseModel):
    """Everything the query panel and the prompts need to know about one property."""

    name: str
    address: Address = Field(default_factory=Address)
    website_url: str = ""
    brand_domains: list[str] = Field(default_factory=list)
    competitors: list[Competitor] = Field(default_factory=list)
    amenities: list[str] = Field(default_factory=list)
    unique_selling_points: list[str] = Field(default_factory=list)
    target_audience: str = ""


class BrandContext(BaseModel):
    """What scoring needs: the brand's name and the domains that count as its own."""

    name: str
    domains: list[str] = Field(default_factory=list)
    website_url: str = ""
    city: str = ""
    state: str = ""


def brand_context(profile: PropertyProfile) -> BrandContext:
    return BrandContext(
        name=profile.name,
        domains=profile.brand_domains,
        website_url=profile.website_url,
        city=profile.address.city,
        state=profile.address.state,
    )
