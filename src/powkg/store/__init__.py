"""The store: where named graphs live and SPARQL runs.

A small protocol with two implementations: the embedded store (pyoxigraph, on disk or in memory,
the default) and a remote SPARQL 1.1 store (a later addition). ``open_store(descriptor)`` is the only
code that knows the classes:

    oxigraph:PATH          embedded, on disk (created if missing)
    memory:                embedded, in memory (tests, one-off runs)

Guarantees every implementation keeps (pinned by tests/test_store.py, run against each):
- ``replace_graph`` is one transaction: readers see the old graph or the new one, never a mix.
- The default graph of ``query`` is the union of every graph but the quarantined ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

from rdflib import Graph
from rdflib.term import Node

from ..errors import ConfigError
from ..formats import Format


@dataclass(frozen=True)
class QueryResult:
    """A SPARQL answer as rdflib terms: rows for SELECT, a boolean for ASK, triples for CONSTRUCT."""

    kind: str                                   # "select" | "ask" | "graph"
    variables: tuple[str, ...] = ()
    rows: tuple[dict[str, Node], ...] = ()
    boolean: bool | None = None
    graph: Graph | None = field(default=None, compare=False)


class Store(Protocol):
    descriptor: str

    def replace_graph(self, name: str, graph: Graph) -> None:
        """Replace the named graph ``name`` by ``graph`` in one transaction."""

    def drop_graph(self, name: str) -> None: ...

    def graph_names(self) -> list[str]: ...

    def graph(self, name: str) -> Graph:
        """The triples of one named graph (empty if there is none)."""

    def query(self, sparql: str, *, default_graphs: Sequence[str] | None = None) -> QueryResult:
        """Run a query; QueryError carries the parser's message."""

    def query_to(self, sparql: str, fmt: Format, *,
                 default_graphs: Sequence[str] | None = None) -> tuple[str, bytes]:
        """Run a query and serialise its answer: ("select"|"ask"|"graph", bytes in ``fmt``)."""

    def export(self, output: BinaryIO, fmt: Format, graphs: Iterable[str]) -> None:
        """Write the given named graphs to ``output``; a dataset format keeps them apart."""

    def close(self) -> None: ...


def open_store(descriptor: str) -> Store:
    """The store a descriptor names; ConfigError says which descriptors exist."""
    from .embedded import OxigraphStore

    if descriptor == "memory:" or descriptor == "memory":
        return OxigraphStore(None, descriptor="memory:")
    if descriptor.startswith("oxigraph:"):
        return OxigraphStore(descriptor.removeprefix("oxigraph:"), descriptor=descriptor)
    raise ConfigError(f"store {descriptor!r}: expected oxigraph:PATH or memory:")


__all__ = ["QueryResult", "Store", "open_store"]
