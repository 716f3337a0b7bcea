"""powkg.rules against owlrl (powkg.reasoning.infer), the reference.

Both reason over the triples as the store holds them; the inferred graphs must be equal, triple for
triple: the types from subclasses, domains and ranges, the values of super-properties, the inverse
pow:hasCohort, the transitive pow:locatedIn and pow:partOf, and nothing else.

- the development corpus (data/sample), from scratch (infer_all);
- the same corpus built up article by article (infer_article after each one) from half of it;
- the whole-graph fixtures, and a partOf chain that runs across two articles, in both orders;
- an inconsistency (owl:disjointWith) is an error, as it is for owlrl;
- an OWL construct the rules do not implement is refused;
- a small ontology whose sub-properties, inverses and symmetric properties feed transitive ones (the
  chains infer_all closes in its staging graph; the rest it derives straight from the asserted graphs).
"""

from __future__ import annotations

from functools import cache

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF

from paths import REPO, SAMPLE
from powkg import rules
from powkg.errors import ShapesError
from powkg.iris import Iris
from powkg.reasoning import infer
from powkg.store import open_store
from powkg.vocabulary import load_ontology

IRIS = Iris()
POW = IRIS.pow
FIXTURES = REPO / "tests" / "fixtures" / "shapes"


@cache
def ontology() -> Graph:
    return load_ontology(REPO / "ontology")


def new_store(graphs: dict[str, Graph], onto: Graph | None = None):  # noqa: ANN201
    store = open_store("memory:")
    store.replace_graph(IRIS.ontology_graph, onto if onto is not None else ontology())
    for name, graph in graphs.items():
        store.replace_graph(name, graph)
    return store


def reference(store) -> set:  # noqa: ANN001
    """owlrl's inferences (what pipeline.reason writes) over the store's asserted triples."""
    union = Graph()
    for name in store.graph_names():
        if IRIS.is_article_graph(name):
            union += store.graph(name)
    return set(infer(union, store.graph(IRIS.ontology_graph)))


def inferred(store) -> set:  # noqa: ANN001
    return set(store.graph(IRIS.inferred_graph))


@pytest.fixture(scope="module")
def corpus_graphs() -> dict[str, Graph]:
    """data/sample through the pipeline's stages: read, extract, map."""
    from powkg.extraction import extract_facts
    from powkg.mapping import to_graph
    from powkg.pipeline import article_files
    from powkg.reading import read_articles
    from powkg.vocabulary import gazetteer_from_graph

    gazetteer = gazetteer_from_graph(ontology(), IRIS)
    graphs = {}
    for path in article_files([SAMPLE]):
        for article in read_articles(path):
            graphs[IRIS.article_graph(article.digest)] = to_graph(extract_facts(article, gazetteer), article,
                                                                  gazetteer=gazetteer, iris=IRIS)
    return graphs


def test_corpus_closure_is_owlrls(corpus_graphs):
    store = new_store(corpus_graphs)
    count = rules.infer_all(store, IRIS.ontology_graph, IRIS.inferred_graph)
    expected = reference(store)
    assert inferred(store) == expected
    assert count == len(expected) > 1000


def test_corpus_built_article_by_article_equals_the_closure(corpus_graphs):
    names = sorted(corpus_graphs)
    store = new_store({name: corpus_graphs[name] for name in names[:15]})
    rules.infer_all(store, IRIS.ontology_graph, IRIS.inferred_graph)
    for name in names[15:]:
        store.replace_graph(name, corpus_graphs[name])
        rules.infer_article(store, IRIS.ontology_graph, name, IRIS.inferred_graph)
    assert inferred(store) == reference(store)
    assert [g for g in store.graph_names() if "staging" in g] == []


@pytest.mark.parametrize("files", [("graph-d18.ttl", "graph-d19.ttl", "graph-d21.ttl"), ("graph-seed1.ttl",),
                                   ("article-valid.ttl",), ("graph-seed1.ttl", "graph-fault-counts-up-to.ttl")],
                         ids=["corpus-like", "seed1", "valid-article", "counts-up-to"])
def test_fixture_closure_is_owlrls(files):
    graphs = {IRIS.article_graph(f"{i:016x}"): Graph().parse(FIXTURES / f) for i, f in enumerate(files)}
    store = new_store(graphs)
    rules.infer_all(store, IRIS.ontology_graph, IRIS.inferred_graph)
    assert inferred(store) == reference(store)


A, B, C = (URIRef(f"{IRIS.id}exchange/2024-01-03/cohort/test-{x}") for x in "abc")
FIRST = Graph()
FIRST.add((A, POW.partOf, B))
SECOND = Graph()
SECOND.add((B, POW.partOf, C))
SECOND.add((C, RDF.type, POW.Cohort))


@pytest.mark.parametrize("order", [(FIRST, SECOND), (SECOND, FIRST)], ids=["a-then-b", "b-then-a"])
def test_a_transitive_chain_across_two_articles(order):
    store = new_store({})
    rules.infer_all(store, IRIS.ontology_graph, IRIS.inferred_graph)
    for index, graph in enumerate(order):
        name = IRIS.article_graph(f"{index:016x}")
        store.replace_graph(name, graph)
        rules.infer_article(store, IRIS.ontology_graph, name, IRIS.inferred_graph)
    found = inferred(store)
    assert (A, POW.partOf, C) in found
    assert found == reference(store)


def test_infer_all_twice_gives_the_same_graph(corpus_graphs):
    names = sorted(corpus_graphs)[:5]
    store = new_store({n: corpus_graphs[n] for n in names})
    first = rules.infer_all(store, IRIS.ontology_graph, IRIS.inferred_graph)
    before = inferred(store)
    assert rules.infer_all(store, IRIS.ontology_graph, IRIS.inferred_graph) == first
    assert inferred(store) == before


def test_a_battle_location_that_is_a_detention_place_is_inconsistent():
    graph = Graph()
    graph.add((URIRef(f"{IRIS.id}place/olenivka"), RDF.type, POW.BattleLocation))
    store = new_store({IRIS.article_graph("0" * 16): graph})
    with pytest.raises(ShapesError, match="disjoint"):
        rules.infer_all(store, IRIS.ontology_graph, IRIS.inferred_graph)
    with pytest.raises(ShapesError):   # owlrl agrees
        reference(store)


def test_the_same_inconsistency_arriving_with_one_article():
    store = new_store({})
    rules.infer_all(store, IRIS.ontology_graph, IRIS.inferred_graph)
    graph = Graph()
    graph.add((URIRef(f"{IRIS.id}place/olenivka"), RDF.type, POW.BattleLocation))
    name = IRIS.article_graph("0" * 16)
    store.replace_graph(name, graph)
    with pytest.raises(ShapesError, match="disjoint"):
        rules.infer_article(store, IRIS.ontology_graph, name, IRIS.inferred_graph)


@pytest.mark.parametrize("construct", [(POW["count"], RDF.type, OWL.FunctionalProperty),
                                       (POW.Exchange, OWL.hasKey, RDF.nil),
                                       (POW.partOf, OWL.propertyChainAxiom, RDF.nil)],
                         ids=["functional", "has-key", "property-chain"])
def test_an_owl_construct_the_rules_do_not_implement_is_refused(construct):
    onto = Graph()
    onto += ontology()
    onto.add(construct)
    store = new_store({}, onto)
    with pytest.raises(rules.UnsupportedOntologyError):
        rules.infer_all(store, IRIS.ontology_graph, IRIS.inferred_graph)


def test_the_schema_read_from_the_ontology():
    schema = rules.schema_of(ontology())
    assert str(POW.partOf) in schema.transitive and str(POW.locatedIn) in schema.transitive
    assert (str(POW.cohortOf), str(POW.hasCohort)) in schema.inverses
    assert (str(POW.BattleLocation), "https://schema.org/Place") in schema.super_classes


EX = Namespace("https://example.org/chains#")
CHAINS = """
@prefix ex: <https://example.org/chains#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:within a owl:ObjectProperty, owl:TransitiveProperty ; rdfs:range ex:Region .
ex:inside a owl:ObjectProperty ; rdfs:subPropertyOf ex:within ; rdfs:domain ex:Spot .
ex:contains a owl:ObjectProperty ; owl:inverseOf ex:within ; rdfs:domain ex:Container .
ex:holds a owl:ObjectProperty ; owl:equivalentProperty ex:contains .
ex:near a owl:ObjectProperty, owl:SymmetricProperty ; rdfs:domain ex:Place ; rdfs:subPropertyOf ex:seen .
ex:seen a owl:ObjectProperty ; owl:inverseOf ex:seenBy .
ex:seenBy a owl:ObjectProperty ; rdfs:range ex:Watched ; rdfs:subPropertyOf ex:noted .
ex:noted a owl:ObjectProperty ; rdfs:domain ex:Noted .
ex:tag a owl:DatatypeProperty ; rdfs:subPropertyOf ex:mark .
ex:mark a owl:DatatypeProperty ; rdfs:domain ex:Marked .
ex:Region a owl:Class ; rdfs:subClassOf ex:Place .
ex:Container owl:equivalentClass ex:Box .
"""


def chains_ontology() -> Graph:
    return Graph().parse(data=CHAINS, format="turtle")


def chains_articles() -> list[Graph]:
    first, second = Graph(), Graph()
    first.add((EX.a, EX.inside, EX.b))
    first.add((EX.b, EX.within, EX.c))
    first.add((EX.a, EX.tag, Literal("x")))
    first.add((EX.e, EX.near, EX.a))
    first.add((EX.Region, EX.near, EX.e))    # about an ontology term: what it entails for Region is dropped
    second.add((EX.d, EX.holds, EX.c))       # c within d, through the inverse of an equivalent property
    second.add((EX.f, EX.contains, EX.d))
    second.add((EX.a, EX.seen, EX.g))
    return [first, second]


def test_chains_through_sub_properties_and_inverses_are_owlrls():
    graphs = {IRIS.article_graph(f"{i:016x}"): g for i, g in enumerate(chains_articles())}
    store = new_store(graphs, chains_ontology())
    rules.infer_all(store, IRIS.ontology_graph, IRIS.inferred_graph)
    found = inferred(store)
    assert (EX.a, EX.within, EX.f) in found and (EX.f, EX.contains, EX.a) in found
    assert (EX.g, EX.noted, EX.a) in found and (EX.a, EX.near, EX.e) in found
    assert (EX.e, EX.near, EX.Region) in found and (EX.Region, RDF.type, EX.Place) not in found
    assert found == reference(store)


def test_infer_all_equals_the_closure_built_article_by_article():
    """The literal an inverse cannot turn into a subject is handled as the step-by-step rules do
    (owlrl differs there: it keeps triples with a literal subject while it reasons)."""
    articles = chains_articles()
    articles[0].add((EX.a, EX.seen, Literal("not a subject")))
    names = [IRIS.article_graph(f"{i:016x}") for i in range(len(articles))]
    whole = new_store(dict(zip(names, articles, strict=True)), chains_ontology())
    rules.infer_all(whole, IRIS.ontology_graph, IRIS.inferred_graph)
    stepwise = new_store({}, chains_ontology())
    rules.infer_all(stepwise, IRIS.ontology_graph, IRIS.inferred_graph)
    for name, graph in zip(names, articles, strict=True):
        stepwise.replace_graph(name, graph)
        rules.infer_article(stepwise, IRIS.ontology_graph, name, IRIS.inferred_graph)
    assert inferred(whole) == inferred(stepwise)
    assert (Literal("not a subject"), EX.seenBy, EX.a) not in inferred(whole)


@pytest.mark.parametrize(("prop", "expected"), [
    ("inside", {("inside", False), ("within", False), ("contains", True), ("holds", True)}),
    ("near", {("near", False), ("near", True), ("seen", False), ("seen", True), ("seenBy", True),
              ("seenBy", False), ("noted", True), ("noted", False)}),
    ("tag", {("tag", False), ("mark", False)}),
], ids=["into-a-transitive-property", "symmetric", "datatype"])
def test_what_one_edge_entails_without_a_join(prop, expected):
    schema = rules.schema_of(chains_ontology())
    assert schema.entailed_edges(str(EX[prop])) == {(str(EX[q]), flipped) for q, flipped in expected}


def test_the_properties_that_chain():
    schema = rules.schema_of(chains_ontology())
    assert schema.chain_properties == {str(EX[p]) for p in ("within", "inside", "contains", "holds")}
