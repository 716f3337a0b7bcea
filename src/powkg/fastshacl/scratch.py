"""The check stage's scratch store: the graphs of one check in pyoxigraph's in-memory store, called directly.

The graphs live here only while they are checked, so none of the store protocol's guarantees (a union
graph of the served graphs, a graph replaced in one transaction) is wanted. What counts is the cost of
each triple written and of each row read:

- the graphs are written as N-Quads that pyoxigraph parses: building a ``Quad`` in Python costs several
  microseconds for each term that is not an IRI (a blank node, a literal), parsing its text far less;
  the parser keeps blank node labels, so the store holds the very terms of the rdflib graphs;
- rows are read by position (reading a solution by variable name costs about three times as much),
  each term converted once for all the stores of one checker.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from ..store import QueryResult
from ..store.terms import to_oxigraph, to_rdflib

Triple = tuple[Node, Node, Node]
_MOST_TERMS = 1 << 16          # converted terms kept between stores


class Terms:
    """Terms converted between rdflib and pyoxigraph, kept from one scratch store to the next: the
    articles of a build name the same classes, properties and values over and over."""

    def __init__(self) -> None:
        self._rdflib: dict[ox.NamedNode | ox.BlankNode | ox.Literal, Node] = {}
        self._text: dict[Node, str] = {}

    def rdflib(self, value: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
        found = self._rdflib.get(value)
        if found is None:
            if len(self._rdflib) >= _MOST_TERMS:
                self._rdflib.clear()
            found = self._rdflib[value] = to_rdflib(value)
        return found

    def text(self, term: Node) -> str:
        """The term in N-Triples, as pyoxigraph writes it."""
        found = self._text.get(term)
        if found is None:
            if len(self._text) >= _MOST_TERMS:
                self._text.clear()
            found = self._text[term] = str(to_oxigraph(term))
        return found


class ScratchStore:
    """Named graphs of rdflib triples in a new in-memory pyoxigraph store, for queries."""

    def __init__(self, graphs: Mapping[str, Iterable[Triple]], terms: Terms, *, base: Iterable[ox.Quad] = ()) -> None:
        """``base``: quads written as they are (a graph shared by every check, converted once)."""
        self._store = ox.Store()
        self._terms = terms
        self._store.extend(base)
        text = terms.text
        lines = [f"{text(s)} {text(p)} {text(o)} <{name}> .\n"
                 for name, triples in graphs.items() for s, p, o in triples]
        # lenient: the text is pyoxigraph's own writing of valid terms, nothing to validate again
        self._store.extend(ox.parse("".join(lines), format=ox.RdfFormat.N_QUADS, lenient=True))

    def query(self, sparql: str) -> QueryResult:
        answer = self._store.query(sparql)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(kind="ask", boolean=bool(answer))
        assert isinstance(answer, ox.QuerySolutions)   # the checks ask no CONSTRUCT
        names = tuple(v.value for v in answer.variables)
        term = self._terms.rdflib
        rows = tuple({name: term(value) for name, value in zip(names, solution, strict=True) if value is not None}
                     for solution in answer)
        return QueryResult(kind="select", variables=names, rows=rows)

    def graph(self, name: str) -> Graph:
        found = Graph()
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
            found.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))  # type: ignore[arg-type]
        return found


def graph_quads(name: str, triples: Iterable[Triple]) -> list[ox.Quad]:
    """The triples as quads of the named graph ``name``."""
    graph = ox.NamedNode(name)
    return [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph) for s, p, o in triples]  # type: ignore[arg-type]
