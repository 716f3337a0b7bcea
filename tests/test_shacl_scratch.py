"""The check stage's scratch store (fastshacl/scratch.py) and the value groups fusion computes in Python.

Both stand in for something the store does: the scratch store must hold the very terms of the rdflib
graphs it is given (blank node labels included), and fusion._group_row must give each value node the
group row that checks.feature_binds gives it in SPARQL.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from powkg.fastshacl import checks, fusion
from powkg.fastshacl.scratch import ScratchStore, Terms, graph_quads
from powkg.store.terms import to_rdflib

EX = "http://example.org/"
GRAPH = "urn:powkg:fastshacl/scratch/test"
VALUES = [
    URIRef(EX + "node"),
    BNode("b1"),
    Literal("plain"),
    Literal(""),
    Literal("Зміїний", lang="uk"),
    Literal("a \"quoted\"\nline", lang="en"),
    Literal("12", datatype=XSD.integer),
    Literal("-7", datatype=XSD.integer),
    Literal("2024-12-30", datatype=XSD.date),
    Literal("not a date", datatype=XSD.date),
    Literal("1.50", datatype=XSD.decimal),
]
FEATURES = [checks.Features(), checks.Features(length=True), checks.Features(term=True),
            checks.Features(typed_term=True), checks.Features(length=True, typed_term=True)]


def test_the_scratch_store_holds_what_pyoxigraph_holds_of_the_triples() -> None:
    """Blank node labels kept; literals in the store's canonical form, as any pyoxigraph store keeps them."""
    triples = [(BNode("e1"), URIRef(EX + "p"), value) for value in VALUES if not isinstance(value, BNode)]
    triples.append((URIRef(EX + "s"), URIRef(EX + "q"), BNode("e1")))
    reference = ox.Store()
    reference.extend(graph_quads(GRAPH, triples))
    expected = {(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
                for q in reference.quads_for_pattern(None, None, None, None)}
    assert set(ScratchStore({GRAPH: triples}, Terms()).graph(GRAPH)) == expected
    assert (BNode("e1"), URIRef(EX + "p"), Literal("1.5", datatype=XSD.decimal)) in expected


@pytest.mark.parametrize("features", FEATURES, ids=lambda f: f"length={f.length},term={f.term},typed={f.typed_term}")
def test_group_rows_are_those_sparql_computes(features: checks.Features) -> None:
    subject = URIRef(EX + "s")
    store = ScratchStore({GRAPH: [(subject, URIRef(EX + "p"), value) for value in VALUES]}, Terms())
    rows = store.query(f"SELECT ?v ?k ?d ?l ?n ?t WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?v }} "
                       f"{checks.feature_binds(features)} }}").rows
    assert len(rows) == len(VALUES)
    for row in rows:
        value = row.pop("v")
        assert fusion._group_row(value, features) == {**row, "sample": value}, value
