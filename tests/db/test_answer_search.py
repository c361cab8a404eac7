"""Finding answers and reading them for segments, on SQLite and PostgreSQL: the database's part
of each filter (the correlated subqueries of `cites`), and the exact matching done after it."""

from __future__ import annotations

from sqlalchemy import update

from db.answer_search import AnswerFilter, matching_ids, names_entity, search_page, url_key
from db.models import Audit
from db.segments import audit_records, comparable_audits
from tests.api.evidence_seed import Q1, Q2, Q3, evidence_audit, evidence_property
from tests.factories import Sessions


def test_a_url_is_the_same_page_whatever_its_host_case_slash_or_fragment() -> None:
    same = [
        "https://WWW.Amli.com/Page/",
        "https://www.amli.com/Page#top",
        "HTTPS://www.amli.com/Page",
    ]
    assert {url_key(u) for u in same} == {"https://www.amli.com/Page"}
    assert url_key("https://www.amli.com/page") != url_key("https://www.amli.com/Page")
    assert url_key("https://amli.com/Page") != url_key("https://www.amli.com/Page")
    assert url_key("https://a.com/x?b=1") != url_key("https://a.com/x?b=2")
    assert url_key(" https://a.com:99999/x") == "https://a.com:99999/x"  # malformed: as written
    assert url_key("http://[broken/x") == "http://[broken/x"


def test_an_entity_is_named_by_its_whole_name_or_its_domain() -> None:
    entities = [{"name": "Élan  Row", "domain": "www.elanrow.com"}, {"name": "Vista Park"}]
    assert names_entity(entities, "élan row")  # case-folded beyond ASCII, spaces collapsed
    assert names_entity(entities, "https://ElanRow.com/")
    assert not names_entity(entities, "Vista")
    assert not names_entity(entities, "vista park apartments")
    assert not names_entity([{"name": "A", "domain": ""}], "b.com")


async def test_the_filters_in_the_database_and_after_it(sessions: Sessions) -> None:
    prop = await evidence_property(sessions)
    seeded = await evidence_audit(sessions, prop)
    async with sessions() as s:
        audit = AnswerFilter(audit_id=seeded.audit_id)
        assert len(await matching_ids(s, audit)) == 9
        total, page = await search_page(s, audit, limit=4, offset=8)
        assert total == 9 and len(page) == 1
        cited = AnswerFilter(property_id=prop, cites="https://WWW.amli.com/page/")
        found = [
            (f.run.surface, f.answer.query_text)
            for f in (await search_page(s, cited, limit=50, offset=0))[1]
        ]
        assert sorted(found) == [
            ("claude", Q2.text),
            ("claude", Q3.text),
            ("openai", Q1.text),
        ]
        both = AnswerFilter(
            run_id=seeded.runs["claude"], cites="https://www.amli.com/page", mentions="Vista Park"
        )
        ids = await matching_ids(s, both)
        assert len(ids) == 1
        general = AnswerFilter(audit_id=seeded.audit_id, persona="", present=True)
        assert len(await matching_ids(s, general)) == 2  # openai Q1 (first sample), claude Q3


async def test_segments_read_every_answer_and_only_comparable_audits(sessions: Sessions) -> None:
    prop = await evidence_property(sessions)
    first = await evidence_audit(sessions, prop)
    second = await evidence_audit(sessions, prop)
    async with sessions() as s, s.begin():
        await s.execute(update(Audit).where(Audit.id == first.audit_id).values(scoring_version=1))
    async with sessions() as s:
        records = await audit_records(s, second.audit_id)
        assert len(records) == 9 and sum(not r.ok for r in records) == 1
        assert {(r.persona, r.language) for r in records} == {
            ("", "en"),
            ("families", "en"),
            ("", "es"),
            ("families", "es"),
        }
        audits, left_out = await comparable_audits(s, prop)
        assert [a.id for a in audits] == [second.audit_id] and left_out == 1
        assert {r.surface for r in audits[0].runs} == {"openai", "claude"}
