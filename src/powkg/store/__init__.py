"""The store: where named graphs live and SPARQL runs.

A small protocol with two implementations: the embedded store (pyoxigraph, on disk or in memory,
the default) and the remote store (any SPARQL 1.1 server). ``open_store(descriptor)`` is the only
code that knows the classes:

    oxigraph:PATH                  embedded, on disk (created if missing)
    memory:                        embedded, in memory (tests, one-off runs)
    sparql+http://HOST:PORT/PATH   a SPARQL 1.1 server (sparql+https:// for TLS)

A remote descriptor is the server's query URL with ``sparql+`` in front. The update and Graph Store
URLs are derived from the query URL's last path segment, or given as parameters (absolute, or
relative to the query URL):

    .../query          update .../update, graph store .../store          (Oxigraph server)
    .../sparql         update .../sparql, graph store .../sparql-graph-crud         (Virtuoso)
    .../sparql-auth    update .../sparql-auth, graph store .../sparql-graph-crud-auth (Virtuoso)
    anything else      update at the query URL, no graph store (bulk loads by SPARQL Update)

    ?update=URL        where SPARQL 1.1 Update requests go
    ?store=URL         the SPARQL 1.1 Graph Store HTTP Protocol endpoint, for bulk loads; store=none
                       loads by SPARQL Update (replace_graph is always one Update request)
    ?load=PARAMS       URL parameters of bulk-load requests to the graph store (for .../query, or
                       a store URL ending in /store: no_transaction, which makes Oxigraph server
                       use its bulk loader)
    ?query=URL         the query URL itself, relative to the descriptor's
    ?auth=digest       answer HTTP digest challenges (Virtuoso's -auth endpoints); default basic
    ?catalogue=IRI     the graph that lists powkg's graphs (default BASE/graph/catalogue); powkg
                       also writes IRI#union, the union of its graphs (the default graph of queries)

For example ``sparql+http://127.0.0.1:7878/query`` (Oxigraph server) and
``sparql+http://127.0.0.1:8890/sparql?update=sparql-auth&store=sparql-graph-crud-auth&auth=digest``
(Virtuoso: anonymous queries, authenticated writes). Credentials never go in the descriptor: they come
from POWKG_STORE_USER and POWKG_STORE_PASSWORD, or POWKG_STORE_TOKEN (a bearer token).

Guarantees every implementation keeps (pinned by tests/test_store.py, run against each):
- ``replace_graph`` is one transaction: readers see the old graph or the new one, never a mix;
  ``add_graphs`` keeps that for each of its graphs.
- The default graph of ``query`` is the union of every graph but the quarantined ones: a merge, so
  a triple two graphs state is answered once (SPARQL 1.1 Query §13.1).
- ``graph_names`` lists the graphs powkg wrote, and only those.
``bulk_load`` trades the first guarantee for speed: it is for large loads that can be run again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

from rdflib import Graph
from rdflib.term import Node

from ..errors import ConfigError
from ..formats import Format
from ..settings import Settings


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

    def replace_graph(self, name: str, graph: Iterable[tuple[Node, Node, Node]]) -> None:
        """Replace the named graph ``name`` by ``graph`` in one transaction."""

    def add_graphs(self, graphs: Mapping[str, bytes]) -> None:
        """``replace_graph`` of each graph, given as N-Triples, as fast as the store can: a build writes
        its articles so. Readers may see some of the graphs before others, never part of one (once the
        call returns or fails, and after a crash once the store is opened again)."""

    def bulk_load(self, name: str, ntriples: Iterable[bytes]) -> None:
        """Replace ``name`` by the N-Triples read from ``ntriples`` (chunks of bytes), as fast as the
        store can; not one transaction (a failure leaves part of the graph; loading again replaces it)."""

    def drop_graph(self, name: str) -> None: ...

    def graph_names(self) -> list[str]: ...

    def graph(self, name: str) -> Graph:
        """The triples of one named graph (empty if there is none)."""

    def query(self, sparql: str, *, default_graphs: Sequence[str] | None = None) -> QueryResult:
        """Run a query; QueryError carries the parser's message."""

    def query_to(self, sparql: str, fmt: Format, *,
                 default_graphs: Sequence[str] | None = None) -> tuple[str, bytes]:
        """Run a query and serialise its answer: ("select"|"ask"|"graph", bytes in ``fmt``)."""

    def evaluate(self, sparql: str, *, default_graphs: Sequence[str] | None = None,
                 named_graphs: Sequence[str] | None = None, query_dataset: bool = False) -> Any:
        """Run a query; pyoxigraph's answer (QuerySolutions, QueryBoolean or QueryTriples), lazily
        evaluated, so the HTTP layer can stop it at a deadline or a size limit."""

    def update(self, sparql: str, *, writes: Collection[str] | None = None) -> None:
        """Run a SPARQL 1.1 Update in one transaction; QueryError carries the parser's message.
        ``writes``, when the caller knows them: the only named graphs the update may write, so the
        store can keep the union current with work in proportion to those graphs."""

    def merge_graph(self, source: str, target: str, *, less: str | None = None) -> None:
        """Add graph ``source``'s triples to graph ``target`` and drop ``source``, in one transaction;
        the triples graph ``less`` holds are kept out of ``target``. Work in proportion to ``source``
        and ``less``, not ``target``: for growing a large graph (the inferred one) by a small one."""

    def export(self, output: BinaryIO, fmt: Format, graphs: Iterable[str]) -> None:
        """Write the given named graphs to ``output``; a dataset format keeps them apart."""

    def close(self) -> None: ...


def open_store(descriptor: str, *, settings: Settings | None = None) -> Store:
    """The store a descriptor names; ConfigError says which descriptors exist.

    ``settings`` gives a remote store its timeout and credentials (read from the environment only).
    """
    from .embedded import OxigraphStore

    if descriptor == "memory:" or descriptor == "memory":
        return OxigraphStore(None, descriptor="memory:")
    if descriptor.startswith("oxigraph:"):
        return OxigraphStore(descriptor.removeprefix("oxigraph:"), descriptor=descriptor)
    if descriptor.startswith("sparql+"):
        from .remote import Credentials, RemoteStore

        if settings is None:
            return RemoteStore(descriptor)
        return RemoteStore(descriptor, timeout=settings.store_timeout,
                           catalogue=settings.base_iri + "graph/catalogue",
                           credentials=Credentials(user=settings.store_user, password=settings.store_password,
                                                   token=settings.store_token))
    raise ConfigError(f"store {descriptor!r}: expected oxigraph:PATH or memory: (embedded), "
                      "or sparql+http://HOST:PORT/PATH (a SPARQL 1.1 server)")


__all__ = ["QueryResult", "Store", "open_store"]
