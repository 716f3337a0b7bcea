"""Curated queries: parameters are bound as RDF terms, never pasted as text."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from powkg.errors import QueryError, UnknownQuery
from powkg.queries import load_queries, resolve
from powkg.store import open_store

from paths import REPO

QUERIES = load_queries(REPO / "queries")


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_curated_query_parses_unbound_and_bound_in_both_engines(name):
    query = QUERIES[name]
    values = {p.name: {"iri": "https://w3id.org/powkg/id/exchange/2024-12-30", "integer": "2024",
                       "string": "returned", "date": "2024-12-30"}[p.type] for p in query.parameters}
    texts = [query.bind(values)]
    if not any(p.required for p in query.parameters):
        texts.append(query.bind({}))
    store = open_store("memory:")
    for text in texts:
        prepareQuery(text)
        assert store.query(text).kind == "select"


def _patterns_joined_after_a_bind(node: object) -> list[str]:
    if isinstance(node, CompValue):
        found = [node.p2.name] if node.name == "Join" and getattr(node.p1, "name", None) == "Extend" else []
        return found + [name for child in node.values() for name in _patterns_joined_after_a_bind(child)]
    if isinstance(node, list | tuple):
        return [name for child in node for name in _patterns_joined_after_a_bind(child)]
    return []


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_no_curated_query_joins_patterns_after_a_bind(name):
    # A BIND ends its block of patterns (SPARQL 1.1 §10.1); Oxigraph ran exchange-breakdown's block once
    # per article to join the one pattern after its BIND (3 s at a million triples, 4 ms with the BINDs last).
    query = QUERIES[name]
    values = {p.name: {"iri": "https://w3id.org/powkg/id/exchange/2024-12-30", "integer": "2024",
                       "string": "returned", "date": "2024-12-30"}[p.type] for p in query.parameters}
    assert _patterns_joined_after_a_bind(prepareQuery(query.bind(values)).algebra) == []


def test_a_string_parameter_cannot_inject_sparql():
    store = open_store("memory:")
    graph = Graph()
    graph.add((URIRef("https://example.org/c"), URIRef("https://w3id.org/powkg/ontology#measure"),
               Literal("returned")))
    store.replace_graph("https://w3id.org/powkg/graph/article/x", graph)
    query = QUERIES["running-totals"]
    hostile = 'returned" || true) } #'
    text = query.bind({"measure": hostile})
    assert '"returned\\" || true) } #"' in text
    assert store.query(text).rows == ()


def test_a_bad_iri_parameter_is_refused():
    with pytest.raises(QueryError, match="not a valid iri"):
        QUERIES["exchange-breakdown"].bind({"exchange": "<x> } DROP ALL {"})


def test_a_missing_required_parameter_is_named():
    with pytest.raises(QueryError, match="needs the parameter 'exchange'"):
        QUERIES["exchange-breakdown"].bind({})


def test_an_unknown_parameter_is_named():
    with pytest.raises(QueryError, match="has no parameter colour"):
        QUERIES["conflicts"].bind({"colour": "red"})


def test_unknown_query_lists_the_curated_ones():
    with pytest.raises(UnknownQuery, match="exchanges-by-date"):
        resolve("no-such-query", REPO / "queries")


def test_a_breakdown_puts_a_cohort_inside_the_parent_its_own_article_names():
    # Two articles count the same cohort and nest it in different parents: each row names its article's.
    exchange = "https://w3id.org/powkg/id/exchange/2024-12-30"
    store = open_store("memory:")
    for article, parent in (("a", "armed_forces"), ("b", "navy")):
        turtle = f"""
        @prefix pow: <https://w3id.org/powkg/ontology#> . @prefix oa: <http://www.w3.org/ns/oa#> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <urn:article:{article}> <http://purl.org/dc/terms/identifier> "{article}" .
        <{exchange}/cohort/{parent}> pow:cohortOf <{exchange}> ; rdfs:label "{parent}" .
        <{exchange}/cohort/marines> pow:cohortOf <{exchange}> ; rdfs:label "Marines" ;
            pow:partOf <{exchange}/cohort/{parent}> ; pow:evidence <urn:evidence:{article}:count> .
        <urn:evidence:{article}:count> pow:supports pow:count ; rdf:value 12 ;
            oa:hasTarget [ oa:hasSource <urn:article:{article}> ] .
        <urn:evidence:{article}:part> oa:hasBody <{exchange}/cohort/marines> ; pow:supports pow:partOf ;
            rdf:value <{exchange}/cohort/{parent}> ; oa:hasTarget [ oa:hasSource <urn:article:{article}> ] .
        """
        store.replace_graph(f"https://w3id.org/powkg/graph/article/{article}", Graph().parse(data=turtle))
    rows = store.query(QUERIES["exchange-breakdown"].bind({"exchange": exchange})).rows
    marines = sorted((str(r["source"]), str(r["insideOf"])) for r in rows if str(r["group"]) == "Marines")
    assert marines == [("a", "armed_forces"), ("b", "navy")]
