"""Reading natural answers back, merging web sources, intervals and sentiment roll-ups."""

from geo.answer import AnswerBlock, Citation, merge_sources
from geo.scoring import sentiment_rollup
from geo.stats import wilson_interval
from llmsim.prose import extract

PROSE = """Sure! For quiet apartments near Balboa Park, I'd look at:

1. **Vista Terrace** (vistaterrace.com) — great views; see [vistaterrace.com](https://www.vistaterrace.com/park)
2. **AMLI Aero** — residents praise the pool, though it sits in Denver, CO. [amli.com](https://www.amli.com/aero)
3. **Juniper Row** — cheaper, but some complain about noise.

More to read: [reddit.com](https://www.reddit.com/r/sandiego/apartments)

Overall, Vista Terrace and AMLI Aero are the strongest picks.
"""


def test_extraction_reads_list_links_and_the_brand() -> None:
    envelope = extract(PROSE, "AMLI Aero", "San Diego, CA")
    block = envelope["answer_block"]
    assert [(e["name"], e["position"]) for e in block["ordered_entities"]] == [
        ("Vista Terrace", 1),
        ("AMLI Aero", 2),
        ("Juniper Row", 3),
    ]
    assert [c["entity_ref"] for c in block["citations"]] == ["Vista Terrace", "AMLI Aero", ""]
    assert block["answer_summary"].startswith("Overall")
    assert block["brand_sentiment"]["label"] == "positive"
    analysis = envelope["analysis"]["brand_analysis"]
    assert analysis["position"] == 2 and analysis["location_stated"] == "Denver, CO"
    assert analysis["location_correct"] is False


def test_web_sources_become_citations_once() -> None:
    block = AnswerBlock(citations=[Citation(url="https://a.com/x", domain="a.com")])
    merged = merge_sources(block, ["https://a.com/x", "https://WWW.B.com/y", "https://b.com/y"])
    assert [(c.url, c.domain) for c in merged.citations] == [
        ("https://a.com/x", "a.com"),
        ("https://WWW.B.com/y", "b.com"),
        ("https://b.com/y", "b.com"),
    ]
    assert merge_sources(block, []) is block


def test_wilson_interval_and_sentiment_rollup() -> None:
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(15, 30) or (0, 0)
    assert round(low, 3) == 0.332 and round(high, 3) == 0.668
    roll = sentiment_rollup(["positive", "positive", "negative", "not_mentioned", "neutral"])
    assert (roll.mentioned, roll.net) == (4, 0.25)
