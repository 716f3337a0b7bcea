"""Acceptance: the two seed articles become a graph holding every fact of seeds/gold.yaml.

The facts are read back from the graph with SPARQL (powkg facts --by-article), so this tests every
stage together: read, extract, map, check, store, and the JSON reader.
"""

from __future__ import annotations

import pytest
import yaml
from paths import SEEDS

from powkg.evaluation import align, exchange_items
from powkg.facts import FactsReader
from powkg.pipeline import build

GOLD = {entry["id"]: entry for entry in yaml.safe_load((SEEDS / "gold.yaml").read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def built(project):
    from powkg.store import open_store

    store = open_store("memory:")
    result = build([SEEDS], store, project)
    facts = {entry["id"]: entry for entry in FactsReader(store, project.iris).article_facts()}
    yield store, result, facts
    store.close()


def pairs(facts, article_id):
    """(gold exchange, extracted exchange) pairs of one article, aligned as the evaluation aligns them."""
    gold = GOLD[article_id]["exchanges"]
    mine = facts[article_id]["exchanges"]
    mapping = align([exchange_items(e) for e in mine], [exchange_items(e) for e in gold])
    assert sorted(mapping.values()) == list(range(len(gold))), "every gold exchange is found"
    assert len(mine) == len(gold), "no exchange is invented"
    return [(gold[j], mine[i]) for i, j in sorted(mapping.items(), key=lambda kv: kv[1])]


def test_every_seed_article_is_stored(built):
    _, result, facts = built
    assert sorted(o.status for o in result.outcomes) == ["stored", "stored"]
    assert set(facts) == set(GOLD)


@pytest.mark.parametrize("article_id", sorted(GOLD))
def test_article_metadata(built, article_id):
    _, _, facts = built
    gold, mine = GOLD[article_id], facts[article_id]
    assert mine["language"] == gold["language"]
    assert mine["published"] == (gold["published"].isoformat() if gold["published"] else None)
    if gold.get("author"):
        assert mine["author"] == gold["author"]
    assert mine["kind"] == gold["kind"]


FIELDS = ("returned_total", "units", "nested", "ranks", "mediators", "ordinal", "date_text")


@pytest.mark.parametrize("article_id", sorted(GOLD))
@pytest.mark.parametrize("field", FIELDS)
def test_exchange_fields(built, article_id, field):
    _, _, facts = built
    for gold, mine in pairs(facts, article_id):
        expected = gold.get(field)
        if field in ("units", "ranks"):
            expected = expected or {}
        if field in ("nested", "mediators"):
            expected = sorted(expected or [])
            assert sorted(mine[field]) == expected, (field, gold.get("date_text"))
        else:
            assert mine.get(field) == expected, (field, gold.get("date_text"))


@pytest.mark.parametrize("article_id", sorted(GOLD))
def test_dates(built, article_id):
    _, _, facts = built
    for gold, mine in pairs(facts, article_id):
        expected = gold["date"].isoformat() if gold.get("date") else None
        assert mine["date"] == expected
        assert mine.get("month_day") == gold.get("month_day")


@pytest.mark.parametrize("article_id", sorted(GOLD))
def test_locations(built, article_id):
    _, _, facts = built
    for gold, mine in pairs(facts, article_id):
        assert sorted(mine["locations"]) == sorted(gold.get("locations") or [])
        assert mine["location_counts"] == (gold.get("location_counts") or {})


def test_first_seed_lower_bound_ages_and_previous_exchange(built):
    _, _, facts = built
    (gold_main, main), (_, previous) = pairs(facts, "000_656f3c77d47d075b")
    assert main["other_counts"]["injured_or_ill_min"] == 28
    assert "injured_or_ill: at least 28" in main["counts_are_lower_bounds"]
    assert main["other_counts"]["oldest_age"] == 62
    assert main["other_counts"]["youngest_age"] == 20
    assert main["previous_exchange"] == gold_main["previous_exchange"] == "January 31"
    assert previous["ordinal"] == 50
    assert "Ukraine and Russia" in previous["ordinal_scope"]


def test_second_seed_place_of_capture(built):
    store, _, _ = built
    answer = store.query("""
        PREFIX pow: <https://w3id.org/powkg/ontology#>
        SELECT ?place WHERE { ?e pow:date "2024-12-30"^^<http://www.w3.org/2001/XMLSchema#date> ;
                                 pow:placeCaptured ?place }""")
    assert [str(r["place"]) for r in answer.rows] == ["https://w3id.org/powkg/id/place/kursk"]


@pytest.mark.parametrize("article_id", sorted(GOLD))
def test_running_totals_with_attribution(built, article_id):
    _, _, facts = built
    expected = sorted((c["count"], c["attributed_to"]) for c in GOLD[article_id]["cumulative"])
    mine = sorted((c["count"], c["attributed_to"]) for c in facts[article_id]["cumulative"])
    assert mine == expected


def test_seeds_validate_without_violation_and_warn_of_the_undated_exchange(built):
    _, result, _ = built
    assert result.report.violations == 0
    undated = [r for r in result.report.results if r.severity == "Warning" and "/exchange/a-" in r.focus_node]
    assert len(undated) == 1
    assert undated[0].articles == ("000_656f3c77d47d075b",)


def test_every_evidence_quote_is_the_text_at_its_offsets(built, project):
    from powkg.reading import read_articles

    store, _, _ = built
    texts = {a.id: a.text for path in sorted(SEEDS.glob("*.txt")) for a in read_articles(path, max_bytes=10**7)}
    answer = store.query("""
        PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?id ?exact ?start ?end WHERE {
          ?t oa:hasSource/dcterms:identifier ?id ; oa:hasSelector ?q, ?p .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end }""")
    assert len(answer.rows) > 40
    for row in answer.rows:
        assert texts[str(row["id"])][int(row["start"]):int(row["end"])] == str(row["exact"])
