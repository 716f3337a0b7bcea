"""The SHACL shapes (shapes/article.ttl, shapes/graph.ttl) against hand-written fixtures.

A valid article graph (tests/fixtures/shapes/article-valid.ttl, shaped as ontology/README.md says) gives
no result at all. Each planted fault (article-*.ttl, graph-fault-*.ttl) is added to valid data and must
give exactly the expected results: focus node, constraint component, severity, and a message with the
numbers and article ids in it. Validation runs as the pipeline runs it: pyshacl on asserted data with the
ontology and vocabulary in the data graph, inference "none", advanced features off.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache

import pyoxigraph
import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from paths import REPO, SEEDS

SHAPES = REPO / "shapes"
FIXTURES = REPO / "tests" / "fixtures" / "shapes"
ONTOLOGY = REPO / "ontology"

ID = "https://w3id.org/powkg/id/"
ARTICLE = f"{ID}article/ce877442fd54e182"
DEC30 = f"{ID}exchange/2024-12-30"
JAN3 = f"{ID}exchange/2024-01-03"
UNDATED = f"{ID}exchange/a-ce877442fd54e182-2"
NAVY = f"{DEC30}/cohort/unit-navy"
TEST = "https://w3id.org/powkg/test/"


@cache
def shapes(name: str) -> Graph:
    return Graph().parse(SHAPES / name, format="turtle")


@cache
def ontology() -> Graph:
    graph = Graph()
    for path in sorted(ONTOLOGY.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def data(*fixtures: str) -> Graph:
    graph = Graph()
    graph += ontology()
    for name in fixtures:
        graph.parse(FIXTURES / name, format="turtle")
    return graph


def results(graph: Graph, shapes_name: str) -> list[tuple[str, str, str, str]]:
    """(focus node, constraint component, severity, message) of every result, sorted."""
    _, report, _ = validate(graph, shacl_graph=shapes(shapes_name), inference="none", advanced=False,
                            allow_warnings=True, abort_on_first=False)
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        messages = [str(m) for m in report.objects(result, SH.resultMessage)]
        assert len(messages) == 1, f"one message per result, got {messages}"
        found.append((str(report.value(result, SH.focusNode)),
                      str(report.value(result, SH.sourceConstraintComponent)).split("#")[1],
                      str(report.value(result, SH.resultSeverity)).split("#")[1],
                      messages[0]))
    return sorted(found)


def check(found: list[tuple[str, str, str, str]], expected: list[tuple[str, str, str, str]]) -> None:
    """Exactly the expected results; each message contains the expected fragment."""
    assert [r[:3] for r in found] == sorted(e[:3] for e in expected), found
    for (focus, component, severity, fragment) in expected:
        messages = [r[3] for r in found if r[:3] == (focus, component, severity)]
        assert any(fragment in m for m in messages), (fragment, messages)


# -- the shapes files themselves ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["article.ttl", "graph.ttl"])
def test_shapes_parse_in_rdflib_and_pyoxigraph(name):
    path = SHAPES / name
    assert len(Graph().parse(path, format="turtle")) > 0
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(Graph().parse(path, format="turtle"))


@pytest.mark.parametrize("name", ["article.ttl", "graph.ttl"])
def test_shapes_are_valid_shacl(name):
    """The shapes graph conforms to SHACL's own shapes (SHACL 1.0 Appendix C, pyshacl meta_shacl)."""
    conforms, _, text = validate(data("article-valid.ttl"), shacl_graph=shapes(name), inference="none",
                                 meta_shacl=True, allow_warnings=True)
    assert conforms, text


@pytest.mark.parametrize("name", ["article.ttl", "graph.ttl"])
def test_every_named_shape_has_a_comment_and_every_constraint_a_message(name):
    graph = shapes(name)
    named = {s for s in graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    named |= {s for s in graph.subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef)}
    assert named
    for shape in named:
        assert graph.value(shape, RDFS.comment) is not None, shape
    # A SHACL-SPARQL constraint carries its own message (with its variables filled in); any other
    # constraint is reported with the message of the shape that holds it.
    for constraint in graph.objects(None, SH.sparql):
        assert graph.value(constraint, SH.message) is not None, constraint
        assert graph.value(constraint, SH.prefixes) is not None, constraint
    for shape in set(graph.objects(None, SH.property)) | {s for s in named if (s, SH.path, None) in graph}:
        assert graph.value(shape, SH.message) is not None, (shape, graph.value(shape, SH.path))
    for shape in named:
        direct = {SH.xone, SH["or"], SH["not"], SH["and"]} & set(graph.predicates(shape))
        if direct:
            assert graph.value(shape, SH.message) is not None, shape


def test_shapes_run_sparql_without_values_clauses():
    """SHACL 1.0 §5.3.1 forbids VALUES in constraints; pyshacl refuses to run them."""
    for name in ("article.ttl", "graph.ttl"):
        for query in shapes(name).objects(None, SH.select):
            assert "VALUES" not in str(query)


# -- the valid article -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["article.ttl", "graph.ttl"])
def test_valid_article_gives_no_result(name):
    assert results(data("article-valid.ttl"), name) == []


# -- planted faults, article scope ----------------------------------------------------------------------

V, W, INFO = "Violation", "Warning", "Info"
SPARQL = "SPARQLConstraintComponent"

ARTICLE_FAULTS = {
    # the article
    "identifier-twice": [(ARTICLE, "MaxCountConstraintComponent", V, "dcterms:identifier")],
    "language-unknown": [(ARTICLE, "MaxCountConstraintComponent", V, "dcterms:language"),
                         (ARTICLE, "PatternConstraintComponent", V, "en, uk or ru")],
    # exchanges
    "exchange-total-twice": [(DEC30, "MaxCountConstraintComponent", V, "pow:returnedToUkraine"),
                             (DEC30, SPARQL, W, "add up to 189, short of the 190 returned")],
    "exchange-handed-over-negative": [(JAN3, "MinInclusiveConstraintComponent", V, "pow:handedOverToRussia")],
    "exchange-date-string": [(UNDATED, "OrConstraintComponent", V, "xsd:date or an xsd:gMonthDay")],
    "exchange-undated": [(UNDATED, "MinCountConstraintComponent", W, "exchange without a date: unresolved")],
    "exchange-month-day": [(UNDATED, "NotConstraintComponent", INFO, "day and month known, year not: unresolved")],
    "exchange-mediator-not-mediator": [(DEC30, "ClassConstraintComponent", V, "pow:Mediator")],
    "exchange-defended-detention": [(DEC30, "NotConstraintComponent", V, "detention place"),
                                    (DEC30, "ClassConstraintComponent", W, "not a pow:BattleLocation")],
    "exchange-defended-region": [(DEC30, "ClassConstraintComponent", W, "not a pow:BattleLocation")],
    "exchange-ages-swapped": [(DEC30, "LessThanOrEqualsConstraintComponent", V, "pow:oldestAge")],
    "exchange-previous-itself": [(JAN3, SPARQL, V, "its own previous exchange")],
    "exchange-previous-later": [(JAN3, SPARQL, V, "dated 2024-12-30, after this exchange's 2024-01-03")],
    # the arithmetic of a breakdown
    "sum-units-above-total": [(DEC30, SPARQL, V, "add up to 194, more than the 189 returned")],
    "sum-units-short-of-total": [(JAN3, SPARQL, W, "add up to 30, short of the 230 returned")],
    "sum-ranks-above-total": [(JAN3, SPARQL, V, "the rank cohorts add up to 240, more than the 230")],
    "sum-sexes-above-total": [(JAN3, SPARQL, V, "the sex cohorts add up to 300, more than the 230")],
    "cohort-above-outer": [(DEC30, SPARQL, V, "unit-special_operations_forces counts 90, more than the 87")],
    "cohort-lower-bound-above-outer": [(DEC30, SPARQL, V, "counts 100, more than the 87 of the cohort")],
    "cohort-above-total": [(JAN3, SPARQL, V, "category-injured_or_ill counts 300, more than the 230")],
    "cohort-outer-other-exchange": [(JAN3, SPARQL, V, "part of a cohort of another exchange")],
    # cohorts
    "cohort-count-and-lower-bound": [(NAVY, "XoneConstraintComponent", V, "exactly one of pow:count and pow:minCount")],
    "cohort-without-count": [(f"{JAN3}/cohort/unit-sbu", "XoneConstraintComponent", V, "exactly one of")],
    "cohort-without-category": [(f"{JAN3}/cohort/unknown", "OrConstraintComponent", V, "at least one of pow:unit")],
    "cohort-two-exchanges": [(NAVY, "MaxCountConstraintComponent", V, "exactly one pow:Exchange"),
                             (JAN3, SPARQL, W, "add up to 24, short of the 230")],
    "cohort-unit-not-unit": [(f"{DEC30}/cohort/unit-officers", "ClassConstraintComponent", V, "pow:Unit")],
    "cohort-negative": [(f"{DEC30}/cohort/unit-sbu", "MinInclusiveConstraintComponent", V, "non-negative")],
    "cohort-outer-is-unit": [(NAVY, "ClassConstraintComponent", V, "pow:partOf at most one other pow:Cohort"),
                             (DEC30, SPARQL, W, "add up to 165, short of the 189")],
    "cohort-without-evidence": [(f"{DEC30}/cohort/unit-sbu", "MinCountConstraintComponent", V, "pow:evidence")],
    # other counts
    "other-count-without-key": [(f"{TEST}count", "MinCountConstraintComponent", V, "pow:countKey")],
    "other-count-unlinked": [(f"{TEST}count", "MinCountConstraintComponent", V, "belongs to exactly one pow:Exchange")],
    # running totals
    "total-measure-unknown": [(f"{ARTICLE}/total/2", "InConstraintComponent", V, "pow:measure")],
    "total-count-and-lower-bound": [(f"{ARTICLE}/total/1", "XoneConstraintComponent", V, "pow:count and pow:minCount")],
    "total-qualifier-unknown": [(f"{ARTICLE}/total/1", "InConstraintComponent", V, "pow:qualifier")],
    # evidence
    "evidence-unknown-agent": [(f"{ARTICLE}/evidence/1", "ClassConstraintComponent", W, "pow:StatingAgent")],
    "evidence-value-differs": [(ARTICLE, SPARQL, V, "evidence/100 states 25 for https://w3id.org/powkg/ontology#count")],
    "evidence-offsets-differ": [(ARTICLE, SPARQL, V, "the quote has 25 characters but its offsets 904 to 930")],
    "evidence-start-after-end": [(f"{TEST}position", "LessThanConstraintComponent", V, "below its oa:end"),
                                 (ARTICLE, SPARQL, V, "the quote has 25 characters but its offsets 929 to 904")],
    "evidence-source-not-article": [(f"{TEST}target", "ClassConstraintComponent", V, "a pow:Article")],
    "evidence-not-listed": [(f"{ARTICLE}/evidence/100", "EqualsConstraintComponent", V, "lists it with pow:evidence")],
    "evidence-two-quotes": [(f"{TEST}target", "QualifiedMaxCountConstraintComponent", V, "oa:TextQuoteSelector")],
    "evidence-empty-quote": [(f"{TEST}quote", "MinLengthConstraintComponent", V, "non-empty oa:exact"),
                             (ARTICLE, SPARQL, V, "the quote has 0 characters but its offsets 904 to 905")],
    # the vocabulary, checked with every article
    "vocabulary-unit-without-notation": [(f"{ID}unit/test", "MinCountConstraintComponent", V, "skos:notation")],
    "vocabulary-label-without-language": [(f"{ID}place/mariupol", "LanguageInConstraintComponent", V, "en, uk or ru")],
    "vocabulary-label-in-english-only": [(f"{ID}category/test", "MinCountConstraintComponent", W,
                                          "English, Ukrainian and Russian")],
    "vocabulary-detention-place-as-battle-location": [(f"{ID}place/olenivka", "NotConstraintComponent", V,
                                                       "never also a pow:BattleLocation")],
    "vocabulary-category-without-scheme": [(f"{ID}category/test", "MinCountConstraintComponent", V, "skos:inScheme")],
    "vocabulary-unit-part-of-place": [(f"{ID}unit/navy", "ClassConstraintComponent", V, "pow:partOf a pow:Unit")],
}


def test_every_article_fault_fixture_is_in_the_table():
    files = {p.stem.removeprefix("article-") for p in FIXTURES.glob("article-*.ttl")} - {"valid"}
    assert files == set(ARTICLE_FAULTS)


@pytest.mark.parametrize("fault", sorted(ARTICLE_FAULTS))
def test_planted_article_fault(fault):
    found = results(data("article-valid.ttl", f"article-{fault}.ttl"), "article.ttl")
    check(found, ARTICLE_FAULTS[fault])


# -- whole-graph scope ---------------------------------------------------------------------------------

CORPUS_LIKE = ("graph-d18.ttl", "graph-d19.ttl", "graph-d21.ttl")
FEB16 = f"{ID}exchange/2023-02-16"
AZOVSTAL = f"{FEB16}/cohort/defended-azovstal"
AZOVSTAL_CONFLICT = (FEB16, SPARQL, W, "conflict: 63 in d18 vs 64 in d19")

GRAPH_CASES = {
    "corpus-like": (CORPUS_LIKE, [AZOVSTAL_CONFLICT]),
    "total-conflict": (CORPUS_LIKE + ("graph-fault-total-conflict.ttl",), [
        AZOVSTAL_CONFLICT,
        (FEB16, SPARQL, W, "conflict: 100 in d99 vs 101 in d18"),
        (FEB16, SPARQL, W, "conflict: 100 in d99 vs 101 in d19"),
    ]),
    "total-decreasing": (CORPUS_LIKE + ("graph-fault-total-decreasing.ttl",), [
        AZOVSTAL_CONFLICT,
        (f"{ID}article/0000000000000d98/total/0", SPARQL, V,
         "running total went down: 1800 in d98 as of 2023-03-01, below 1863 in d18 as of 2023-02-16"),
    ]),
    "total-below-lower-bound": (("graph-d18.ttl", "graph-d19.ttl", "graph-fault-total-below-lower-bound.ttl"), [
        AZOVSTAL_CONFLICT,
        (f"{ID}article/0000000000000d97/total/1", SPARQL, V,
         "running total went down: 1999 in d97 as of 2023-05-01, below 2000 in d97 as of 2023-04-16"),
    ]),
    "seed1": (("graph-seed1.ttl",), []),
    "counts-up-to": (("graph-seed1.ttl", "graph-fault-counts-up-to.ttl"), [
        (f"{ID}article/00000000000c0b1e/total/0", SPARQL, V,
         "running total went down: 3000 in seed1-copy counts up to a later exchange than 3035 in 000_656f3c77d47d075b"),
    ]),
    "valid-article": (("article-valid.ttl",), []),
}


@pytest.mark.parametrize("case", sorted(GRAPH_CASES))
def test_whole_graph(case):
    files, expected = GRAPH_CASES[case]
    check(results(data(*files), "graph.ttl"), expected)


def test_conflict_names_the_property_and_the_node_in_conflict():
    """The focus is the exchange; sh:resultPath the property in conflict; sh:value the cohort or the exchange."""
    _, report, _ = validate(data(*CORPUS_LIKE, "graph-fault-total-conflict.ttl"), shacl_graph=shapes("graph.ttl"),
                            inference="none", advanced=False, allow_warnings=True)
    pow_ns = "https://w3id.org/powkg/ontology#"
    found = sorted((str(report.value(r, SH.resultPath)), str(report.value(r, SH.value)))
                   for r in report.subjects(RDF.type, SH.ValidationResult))
    assert found == [(f"{pow_ns}count", AZOVSTAL), (f"{pow_ns}returnedToUkraine", FEB16),
                     (f"{pow_ns}returnedToUkraine", FEB16)]


GRAPH_FIXTURES = sorted(p.name for p in FIXTURES.glob("graph-*.ttl"))


@pytest.mark.parametrize("name", GRAPH_FIXTURES)
def test_each_whole_graph_fixture_is_a_valid_article_graph(name):
    """Every article of the whole-graph fixtures passes its own check: the faults show only across articles."""
    assert [r for r in results(data(name), "article.ttl") if r[2] == V] == []


# -- the mapping's output ------------------------------------------------------------------------------

def test_mapping_output_for_the_second_seed_conforms():
    """What src/powkg/mapping.py writes for the second seed passes the article shapes without a Violation."""
    from powkg.mapping import to_graph
    from powkg.model import Article, Cohort, Evidence, Exchange, Facts, RunningTotal, Stated
    from powkg.vocabulary import load_gazetteer

    text = (SEEDS / "002_7a15865362665bc9.txt").read_text(encoding="utf-8")
    article = Article(id="002_7a15865362665bc9", text=text, language="en", source="002_7a15865362665bc9.txt",
                      published=date(2024, 12, 30))

    def stated(value, quote, who="coordination_headquarters"):
        start = text.index(quote)
        return Stated(value, Evidence(start, start + len(quote), quote, who))

    cohorts = (
        Cohort(stated(87, "87 service members of the Ukrainian Armed Forces"), unit="armed_forces"),
        Cohort(stated(17, "17 members of the Territorial Defense Forces"), unit="territorial_defense", part_of=0),
        Cohort(stated(43, "43 National Guard soldiers"), unit="national_guard"),
        Cohort(stated(33, "33 State Border Guard Service personnel"), unit="border_guard"),
        Cohort(stated(24, "24 Ukrainian Navy sailors"), unit="navy"),
        Cohort(stated(2, "Two civilians"), category="civilians"),
        Cohort(stated(173, "173 privates and sergeants"), category="enlisted_and_sergeants"),
        Cohort(stated(14, "14 officers"), category="officers"),
    )
    exchange = Exchange(evidence=stated(None, "189 released on December 30").evidence,
                        date=stated(date(2024, 12, 30), "December 30"), date_text="December 30",
                        returned_total=stated(189, "189 released on December 30"), cohorts=cohorts,
                        mediators=(stated("united_arab_emirates", "United Arab Emirates"),),
                        locations_defended=(stated("mariupol", "Mariupol"), stated("snake_island", "Serpent Island")),
                        places_captured=(stated("kursk", "Kursk region"),), ordinal=stated(11, "11th"))
    total = RunningTotal(stated(3956, "3,956 individuals"), scope="individuals returned since the full-scale invasion",
                         as_of=date(2024, 12, 30), after_exchange=0)
    graph = to_graph(Facts((exchange,), (total,)), article, gazetteer=load_gazetteer(ONTOLOGY),
                     extracted_at=datetime(2026, 11, 23, tzinfo=UTC))
    merged = Graph()
    merged += ontology()
    merged += graph
    assert [r for r in results(merged, "article.ttl") if r[2] == V] == []
    assert results(merged, "article.ttl") == []
    total_values = list(graph.objects(URIRef(DEC30), URIRef("https://w3id.org/powkg/ontology#returnedToUkraine")))
    assert [v.toPython() for v in total_values] == [189]
