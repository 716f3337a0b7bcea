"""The check stage's scratch store: the graphs of one check in pyoxigraph's in-memory store, called directly.

The graphs live here only while they are checked, so none of the store protocol's guarantees (a union
graph of the served graphs, a graph replaced in one transaction) is wanted. What counts is the cost of
each triple written and of each row read: a fresh store per check writes every graph in one call, and
rows are read by position with each term converted once (reading a solution by variable name costs
about three times as much in pyoxigraph).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from ..store import QueryResult
from ..store.terms import to_oxigraph, to_rdflib

Triple = tuple[Node, Node, Node]
_MOST_TERMS = 1 << 16          # converted terms kept between queries


class ScratchStore:
    """Named graphs of rdflib triples in a new in-memory pyoxigraph store, for queries."""

    def __init__(self, graphs: Mapping[str, Iterable[Triple]], *, base: Iterable[ox.Quad] = (),
                 terms: dict | None = None) -> None:
        """``base``: quads written as they are (a graph shared by every check, converted once);
        ``terms``: the cache of converted answer terms, shared by the stores of one checker."""
        self._store = ox.Store()
        self._terms: dict = {} if terms is None else terms
        self._store.extend([*base, *(quad for name, triples in graphs.items() for quad in graph_quads(name, triples))])

    def query(self, sparql: str) -> QueryResult:
        answer = self._store.query(sparql)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(kind="ask", boolean=bool(answer))
        assert isinstance(answer, ox.QuerySolutions)   # the checks ask no CONSTRUCT
        names = tuple(v.value for v in answer.variables)
        term = self._term
        rows = tuple({name: term(value) for name, value in zip(names, solution, strict=True) if value is not None}
                     for solution in answer)
        return QueryResult(kind="select", variables=names, rows=rows)

    def graph(self, name: str) -> Graph:
        found = Graph()
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
            found.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))  # type: ignore[arg-type]
        return found

    def _term(self, value: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
        found = self._terms.get(value)
        if found is None:
            if len(self._terms) >= _MOST_TERMS:
                self._terms.clear()
            found = self._terms[value] = to_rdflib(value)
        return found


def graph_quads(name: str, triples: Iterable[Triple]) -> list[ox.Quad]:
    """The triples as quads of the named graph ``name``."""
    graph = ox.NamedNode(name)
    return [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph) for s, p, o in triples]  # type: ignore[arg-type]
