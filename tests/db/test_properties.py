"""Properties and their panels (db.properties): a question is added once whatever its case or
spacing, only active questions count, and a profile survives being written onto its row."""

from __future__ import annotations

import uuid

from sqlalchemy import update

from db.models import Property, Query
from db.properties import (
    add_queries,
    apply_profile,
    count_active_queries,
    generate_queries,
    list_queries,
    profile_of,
)
from geo.panel import PanelQuery
from geo.panel_spec import PanelSpec
from geo.profile import Address, Competitor, PropertyProfile
from tests.factories import Sessions, new_property


def panel(*texts: str) -> list[PanelQuery]:
    return [PanelQuery(text=t, type="local", weight=2.0) for t in texts]


async def test_adding_questions_skips_those_already_in_the_panel_by_normalised_text(
    sessions: Sessions,
) -> None:
    property_id = await new_property(sessions, ["Best apartments in San Diego"])

    async with sessions() as s, s.begin():
        prop = await s.get(Property, property_id)
        assert prop is not None
        created, skipped = await add_queries(
            s,
            prop,
            panel(
                "  best APARTMENTS in   san diego ", "Pet friendly lofts?", "pet friendly LOFTS?"
            ),
            generated=False,
        )
        assert ([q.text for q in created], skipped) == (["Pet friendly lofts?"], 2)

    async with sessions() as s:
        rows = await list_queries(s, property_id)
    # The new question joins the panel after those already in it.
    assert [(q.text_key, q.generated) for q in rows] == [
        ("best apartments in san diego", True),
        ("pet friendly lofts?", False),
    ]
    assert rows[1].position > rows[0].position
    assert (rows[1].type, rows[1].weight, rows[1].geo) == ("local", 2.0, "San Diego, CA")


async def test_only_a_propertys_active_questions_count(sessions: Sessions) -> None:
    property_id = await new_property(sessions, ["q one", "q two", "q three"])
    other = await new_property(sessions, ["q one"], name="Vista Park")
    async with sessions() as s, s.begin():
        await s.execute(update(Query).where(Query.text == "q two").values(is_active=False))

    async with sessions() as s:
        counted = [await count_active_queries(s, p) for p in (property_id, other, uuid.uuid4())]
        active = [q.text for q in await list_queries(s, property_id, active_only=True)]
    assert counted == [2, 1, 0]
    assert active == ["q one", "q three"]


def test_a_profile_written_onto_a_row_reads_back_the_same() -> None:
    profile = PropertyProfile(
        name="AMLI Aero",
        address=Address(street="1 Aero Dr", city="San Diego", state="CA", zip="92123"),
        website_url="https://www.amli.com/apartments/san-diego/aero",
        brand_domains=["amli.com"],
        competitors=[Competitor(name="Vista Park", domain="vistapark.com")],
        amenities=["pool", "gym"],
        unique_selling_points=["near the trolley"],
        target_audience="young professionals",
    )
    prop = Property()

    apply_profile(prop, profile.model_dump())

    assert (prop.street, prop.city, prop.neighborhood) == ("1 Aero Dr", "San Diego", "")
    assert profile_of(prop) == profile


def test_a_profile_without_brand_domains_takes_its_websites_host() -> None:
    prop = Property()
    apply_profile(
        prop,
        PropertyProfile(name="Vista Park", website_url="https://vistapark.com/").model_dump(),
    )
    assert profile_of(prop).brand_domains == ["vistapark.com"]


async def test_persona_and_language_panels_are_stored_once_and_filtered(sessions: Sessions) -> None:
    property_id = await new_property(
        sessions, [], amenities=["Dog park"], target_audience="dog owners", neighborhood=""
    )
    spec = PanelSpec(personas=("auto",), languages=("en", "es"))
    async with sessions() as s, s.begin():
        prop = await s.get(Property, property_id)
        assert prop is not None
        created, skipped = await generate_queries(s, prop, spec)
        again, skipped_again = await generate_queries(s, prop, spec)
    assert (len(again), skipped_again) == (0, len(created)) and skipped == 0

    async with sessions() as s:
        spanish_pets = await list_queries(s, property_id, persona="pet_owners", language="es")
        anyone = await list_queries(s, property_id, persona="")
        everything = await list_queries(s, property_id)
    assert len(spanish_pets) == 6 and len(everything) == len(created)
    assert spanish_pets[1].text == f"¿Es {prop.name} una buena opción para dueños de mascotas?"
    assert {(q.persona, q.language) for q in anyone} == {("", "en"), ("", "es")}
    assert len(anyone) + 12 == len(everything)
