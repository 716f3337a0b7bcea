"""The embedded store: pyoxigraph, on disk (RocksDB) or in memory. Needs no server."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Graph

from ..errors import QueryError, StoreError
from ..formats import PREFIXES, Format
from ..iris import QUARANTINE_MARK
from . import QueryResult
from .terms import to_oxigraph, to_rdflib


class OxigraphStore:
    """A pyoxigraph Store behind the powkg store protocol."""

    def __init__(self, path: str | None, *, descriptor: str) -> None:
        self.descriptor = descriptor
        try:
            if path is None:
                self._store = ox.Store()
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(path)
        except OSError as exc:
            raise StoreError(f"cannot open the embedded store at {path}: {exc}") from exc

    # -- writing --------------------------------------------------------------------------------
    def replace_graph(self, name: str, graph: Graph) -> None:
        target = ox.NamedNode(name)
        quads = [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), target)  # type: ignore[arg-type]
                 for s, p, o in graph]
        # One SPARQL Update is one transaction: DROP and INSERT DATA commit together or not at all.
        body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8") if quads else ""
        triples = body.replace(f" <{name}> .\n", " .\n")
        update = f"DROP SILENT GRAPH <{name}> ;\nINSERT DATA {{ GRAPH <{name}> {{\n{triples}}} }}"
        try:
            self._store.update(update)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.descriptor}: could not replace graph <{name}>: {exc}") from exc

    def drop_graph(self, name: str) -> None:
        self._store.update(f"DROP SILENT GRAPH <{name}>")

    # -- reading --------------------------------------------------------------------------------
    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def graph(self, name: str) -> Graph:
        result = Graph()
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
            result.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        return result

    def _served(self, default_graphs: Sequence[str] | None) -> list[ox.NamedNode]:
        names = default_graphs if default_graphs is not None else [
            g for g in self.graph_names() if QUARANTINE_MARK not in g]
        return [ox.NamedNode(g) for g in names]

    def _run(self, sparql: str, default_graphs: Sequence[str] | None):  # type: ignore[no-untyped-def]
        served = self._served(default_graphs)
        try:
            return self._store.query(sparql, default_graph=served or ox.DefaultGraph(),
                                     named_graphs=served)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL query: {exc}") from None
        except (OSError, ValueError, TypeError) as exc:
            raise QueryError(f"the query could not be evaluated: {exc}") from None

    def query(self, sparql: str, *, default_graphs: Sequence[str] | None = None) -> QueryResult:
        answer = self._run(sparql, default_graphs)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(kind="ask", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = tuple(v.value for v in answer.variables)
            rows = tuple({name: to_rdflib(value) for name in variables
                          if (value := solution[name]) is not None} for solution in answer)
            return QueryResult(kind="select", variables=variables, rows=rows)
        graph = Graph()
        for triple in answer:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return QueryResult(kind="graph", graph=graph)

    def query_to(self, sparql: str, fmt: Format, *,
                 default_graphs: Sequence[str] | None = None) -> tuple[str, bytes]:
        answer = self._run(sparql, default_graphs)
        if isinstance(answer, ox.QueryBoolean | ox.QuerySolutions):
            kind = "ask" if isinstance(answer, ox.QueryBoolean) else "select"
            if not fmt.results:
                raise QueryError(f"a {kind.upper()} answer cannot be written as {fmt.name}")
            return kind, answer.serialize(format=fmt.oxigraph)  # type: ignore[arg-type]
        if fmt.results:
            raise QueryError(f"a graph answer cannot be written as {fmt.name}")
        return "graph", ox.serialize(answer, format=fmt.oxigraph, prefixes=PREFIXES)  # type: ignore[arg-type]

    def export(self, output: BinaryIO, fmt: Format, graphs: Iterable[str]) -> None:
        names = [ox.NamedNode(g) for g in graphs]
        if fmt.dataset:
            quads = (q for name in names for q in self._store.quads_for_pattern(None, None, None, name))
            ox.serialize(quads, output, fmt.oxigraph, prefixes=PREFIXES)  # type: ignore[arg-type]
            return
        triples = (ox.Triple(q.subject, q.predicate, q.object)
                   for name in names for q in self._store.quads_for_pattern(None, None, None, name))
        ox.serialize(triples, output, fmt.oxigraph, prefixes=PREFIXES)  # type: ignore[arg-type]

    def close(self) -> None:
        self._store.flush() if hasattr(self._store, "flush") else None
        del self._store
