"""Conversion between pyoxigraph terms and rdflib terms (the stages above the store speak rdflib),
and from pyoxigraph answers to QueryResult or serialised bytes."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError
from ..formats import PREFIXES, Format
from . import QueryResult

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
    raise TypeError(f"cannot convert {term!r} to an rdflib term")


# Cached: an article's graph names the same classes, properties and nodes many times over, and a build
# stores thousands of articles that name the same vocabulary.
@lru_cache(maxsize=1 << 16)
def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _RDF_LANG_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to a pyoxigraph term")


def to_ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> bytes:
    """rdflib triples as N-Triples, one line a triple, written by pyoxigraph: how a graph crosses
    processes and reaches the store in a build (bytes pickle far faster than rdflib terms)."""
    return ox.serialize([ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
                         for s, p, o in triples], format=ox.RdfFormat.N_TRIPLES) or b""


def from_ntriples(data: bytes) -> list[tuple[Node, Node, Node]]:
    """N-Triples as rdflib triples."""
    return [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))  # type: ignore[arg-type]
            for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


# -- answers -------------------------------------------------------------------------------------
# Both stores turn an answer into a QueryResult, or into bytes, with the same code: the remote store
# parses the server's answer back into pyoxigraph objects first, so every store writes a given answer
# with one serialiser and the same prefixes.
Answer = ox.QueryBoolean | ox.QuerySolutions | Iterable[ox.Triple]


def answer_to_result(answer: Answer) -> QueryResult:
    """A pyoxigraph answer (consumed) as a QueryResult of rdflib terms."""
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = tuple(v.value for v in answer.variables)
        rows = tuple({name: to_rdflib(value) for name in variables  # type: ignore[arg-type]  # no RDF-star here
                      if (value := solution[name]) is not None} for solution in answer)
        return QueryResult(kind="select", variables=variables, rows=rows)
    graph = Graph()
    for triple in answer:
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),  # type: ignore[arg-type]
                   to_rdflib(triple.object)))  # type: ignore[arg-type]
    return QueryResult(kind="graph", graph=graph)


def serialise_answer(answer: Answer, fmt: Format) -> tuple[str, bytes]:
    """A pyoxigraph answer written in ``fmt``: ("select"|"ask"|"graph", bytes); QueryError on a mismatch."""
    if isinstance(answer, ox.QueryBoolean | ox.QuerySolutions):
        kind = "ask" if isinstance(answer, ox.QueryBoolean) else "select"
        if not fmt.results:
            raise QueryError(f"a {kind.upper()} answer cannot be written as {fmt.name}")
        body = answer.serialize(format=fmt.oxigraph)  # type: ignore[arg-type]
    else:
        if fmt.results:
            raise QueryError(f"a graph answer cannot be written as {fmt.name}")
        kind, body = "graph", ox.serialize(answer, format=fmt.oxigraph, prefixes=PREFIXES)  # type: ignore[arg-type]
    assert body is not None   # without an output file, pyoxigraph returns the bytes
    return kind, body
