"""The store contract, run against every store implementation."""

from __future__ import annotations

import io

import pytest
from rdflib import Graph, Literal, URIRef

from powkg.errors import ConfigError, QueryError, StoreError
from powkg.formats import rdf_format, result_format
from powkg.store import open_store
from powkg.store.terms import to_ntriples

EX = "https://example.org/"
G1, G2, QUARANTINE = EX + "graph/article/one", EX + "graph/article/two", EX + "graph/quarantine/bad"


def triples(*values: int) -> Graph:
    graph = Graph()
    for v in values:
        graph.add((URIRef(EX + "exchange"), URIRef(EX + "total"), Literal(v)))
    return graph


def totals(store) -> list[int]:
    answer = store.query(f"SELECT ?v WHERE {{ ?s <{EX}total> ?v }} ORDER BY ?v")
    return [int(row["v"]) for row in answer.rows]


def test_replace_graph_replaces_whole_graph(store):
    store.replace_graph(G1, triples(1, 2))
    store.replace_graph(G1, triples(3))
    assert totals(store) == [3]
    assert store.graph_names() == [G1]


def test_replacing_with_the_same_graph_changes_nothing(store):
    store.replace_graph(G1, triples(1, 2))
    before = sorted(store.graph(G1))
    store.replace_graph(G1, triples(1, 2))
    assert sorted(store.graph(G1)) == before


def test_default_graph_is_the_union_without_quarantine(store):
    store.replace_graph(G1, triples(1))
    store.replace_graph(G2, triples(2))
    store.replace_graph(QUARANTINE, triples(99))
    assert totals(store) == [1, 2]
    assert store.query(f"ASK {{ GRAPH <{QUARANTINE}> {{ ?s ?p ?o }} }}").boolean is False


def test_query_restricted_to_given_graphs(store):
    store.replace_graph(G1, triples(1))
    store.replace_graph(G2, triples(2))
    answer = store.query(f"SELECT ?v WHERE {{ ?s <{EX}total> ?v }}", default_graphs=[G2])
    assert [int(r["v"]) for r in answer.rows] == [2]


def test_drop_graph(store):
    store.replace_graph(G1, triples(1))
    store.drop_graph(G1)
    assert store.graph_names() == []
    store.drop_graph(G1)  # dropping what is not there is not an error


def test_malformed_query_raises_query_error_with_parser_message(store):
    with pytest.raises(QueryError, match="malformed SPARQL query"):
        store.query("SELECT ?x WHERE { ?x ")


def test_query_to_serialises_each_result_format(store):
    store.replace_graph(G1, triples(7))
    for name, needle in (("json", b'"value":"7"'), ("csv", b"7"), ("tsv", b"7"), ("xml", b">7<")):
        kind, body = store.query_to(f"SELECT ?v WHERE {{ ?s <{EX}total> ?v }}", result_format(name))
        assert kind == "select"
        assert needle in body.replace(b" ", b""), name


def test_construct_serialises_as_turtle(store):
    store.replace_graph(G1, triples(7))
    kind, body = store.query_to("CONSTRUCT WHERE { ?s ?p ?o }", rdf_format("turtle"))
    assert kind == "graph"
    parsed = Graph().parse(data=body, format="turtle")
    assert len(parsed) == 1


def test_export_dataset_keeps_graphs_apart(store):
    store.replace_graph(G1, triples(1))
    store.replace_graph(G2, triples(2))
    out = io.BytesIO()
    store.export(out, rdf_format("trig"), [G1, G2])
    text = out.getvalue().decode()
    assert f"<{G1}>" in text and f"<{G2}>" in text


def test_disk_store_persists(tmp_path):
    path = tmp_path / "persist"
    first = open_store(f"oxigraph:{path}")
    first.replace_graph(G1, triples(5))
    first.close()
    second = open_store(f"oxigraph:{path}")
    assert totals(second) == [5]
    second.close()


def test_add_graphs_writes_each_graph_whole_and_the_union(store):
    store.replace_graph(G1, triples(9))
    store.add_graphs({G1: to_ntriples(triples(1, 2)), G2: to_ntriples(triples(3)),
                      QUARANTINE: to_ntriples(triples(99))})
    assert totals(store) == [1, 2, 3]
    assert store.graph_names() == sorted([G1, G2, QUARANTINE])
    assert sorted(store.graph(G1)) == sorted(triples(1, 2))


def test_a_bulk_write_that_fails_leaves_none_of_its_new_graphs(tmp_path):
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    store.replace_graph(G1, triples(1))
    broken = to_ntriples(triples(3)) + b"<https://example.org/s> <not an iri> 4 .\n"
    with pytest.raises(StoreError, match="could not write 2 graphs"):
        store.add_graphs({G2: to_ntriples(triples(2)), EX + "graph/article/three": broken})
    assert totals(store) == [1]
    assert store.graph_names() == [G1]
    store.close()


def test_opening_a_store_undoes_a_bulk_write_a_crash_interrupted(tmp_path):
    """The state a crash leaves in the middle of add_graphs, made with pyoxigraph itself: the journal
    names the graph, part of which is written, and the union holds one of its triples."""
    import pyoxigraph as ox

    from powkg.store.embedded import JOURNAL_GRAPH

    path = tmp_path / "store"
    store = open_store(f"oxigraph:{path}")
    store.replace_graph(G1, triples(1))
    store.close()
    raw = ox.Store(str(path))
    total, half_written = ox.NamedNode(EX + "total"), ox.NamedNode(G2)
    raw.add(ox.Quad(half_written, ox.NamedNode("urn:powkg:store:writing"), ox.Literal(True),
                    ox.NamedNode(JOURNAL_GRAPH)))
    raw.add(ox.Quad(ox.NamedNode(EX + "exchange"), total, ox.Literal(2), half_written))
    raw.add(ox.Quad(ox.NamedNode(EX + "exchange"), total, ox.Literal(3)))     # in the union alone
    raw.flush()
    del raw
    reopened = open_store(f"oxigraph:{path}")
    assert totals(reopened) == [1]
    assert reopened.graph_names() == [G1]
    reopened.close()


def test_unknown_descriptor_names_the_choices():
    with pytest.raises(ConfigError, match="oxigraph:PATH or memory:"):
        open_store("postgres://nowhere")


def test_a_triple_stated_in_two_graphs_is_answered_once(store):
    """The default graph is a merge (SPARQL 1.1 §13.1), not a bag of the graphs' triples."""
    store.replace_graph(G1, triples(1, 2))
    store.replace_graph(G2, triples(2, 3))
    assert totals(store) == [1, 2, 3]
    store.drop_graph(G1)
    assert totals(store) == [2, 3]
    store.replace_graph(G2, triples(3))
    assert totals(store) == [3]


SCRATCH = EX + "graph/inferred/scratch/work"


def test_an_update_naming_what_it_writes_keeps_the_union(store):
    store.replace_graph(G1, triples(1, 2))
    store.replace_graph(G2, triples(2))
    store.update(f"DELETE DATA {{ GRAPH <{G1}> {{ <{EX}exchange> <{EX}total> 1, 2 }} }} ;"
                 f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}exchange> <{EX}total> 5 }} }}", writes=[G1])
    assert totals(store) == [2, 5]          # 2 stays: the other graph states it
    store.update(f"INSERT DATA {{ GRAPH <{SCRATCH}> {{ <{EX}exchange> <{EX}total> 7 }} }}", writes=[SCRATCH])
    assert totals(store) == [2, 5]          # a scratch graph is never served ...
    assert store.query(f"ASK {{ GRAPH <{SCRATCH}> {{ ?s <{EX}total> 7 }} }}").boolean  # ... but is read by name


def test_merging_a_small_graph_into_a_large_one(store):
    store.replace_graph(G1, triples(1, 2, 3))
    store.replace_graph(G2, triples(3))
    store.update(f"INSERT DATA {{ GRAPH <{SCRATCH}> {{ <{EX}exchange> <{EX}total> 3, 4 }} }}", writes=[SCRATCH])
    store.merge_graph(SCRATCH, G1, less=G2)
    assert sorted(int(o) for _, _, o in store.graph(G1)) == [1, 2, 4]   # 3 is G2's now, and left G1
    assert totals(store) == [1, 2, 3, 4]
    assert SCRATCH not in store.graph_names()


def test_a_triple_only_the_written_graphs_held_leaves_the_union(store):
    store.replace_graph(G1, triples(1, 2))
    store.replace_graph(G2, triples(2))
    store.update(f"DELETE DATA {{ GRAPH <{G1}> {{ <{EX}exchange> <{EX}total> 2 }} }} ;"
                 f"DELETE DATA {{ GRAPH <{G2}> {{ <{EX}exchange> <{EX}total> 2 }} }}", writes=[G1, G2])
    assert totals(store) == [1]
