"""The embedded store: pyoxigraph, on disk (RocksDB) or in memory. Needs no server."""

from __future__ import annotations

import io
import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from ..errors import QueryError, StoreError
from ..formats import PREFIXES, Format
from ..iris import QUARANTINE_MARK, SCRATCH_MARK, is_served, served_test
from . import QueryResult
from .terms import answer_to_result, from_ntriples, serialise_answer, to_oxigraph, to_rdflib

# Graphs a bulk write has begun and not finished (OxigraphStore.add_graphs); a scratch graph is never served.
JOURNAL_GRAPH = f"urn:powkg:store{SCRATCH_MARK}journal"
_WRITING = ox.NamedNode("urn:powkg:store:writing")
_TRUE = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))


class OxigraphStore:
    """A pyoxigraph Store behind the powkg store protocol."""

    def __init__(self, path: str | None, *, descriptor: str) -> None:
        self.descriptor = descriptor
        self.on_disk = path is not None
        try:
            if path is None:
                self._store = ox.Store()
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(path)
        except OSError as exc:
            raise StoreError(f"cannot open the embedded store at {path}: {exc}") from exc
        # Whether a quarantine graph exists, and the graphs visible by name; None: unknown since the last write.
        self._quarantined: bool | None = None
        self._visible: tuple[ox.NamedNode, ...] = ()
        self._undo_unfinished_writes()

    # -- writing --------------------------------------------------------------------------------
    def replace_graph(self, name: str, graph: Iterable[tuple[Node, Node, Node]]) -> None:
        target = ox.NamedNode(name)
        triples = [(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph]
        quads = [ox.Quad(s, p, o, target) for s, p, o in triples]  # type: ignore[arg-type]
        if not self._store.contains_named_graph(target):
            # A new graph (the common case in a build): nothing to withdraw, and extend() is one
            # transaction that writes the graph and the union together, without a SPARQL text to parse.
            self._wrote(name)
            if is_served(name):
                quads += [ox.Quad(s, p, o) for s, p, o in triples]  # type: ignore[arg-type]  # the default graph
            try:
                self._store.extend(quads) if quads else self._store.add_graph(target)
            except (OSError, ValueError) as exc:
                raise StoreError(f"{self.descriptor}: could not write graph <{name}>: {exc}") from exc
            return
        body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8") if quads else ""
        text = body.replace(f" <{name}> .\n", " .\n")
        self._wrote(name)
        # One SPARQL Update is one transaction: the graph and the union are replaced together or not at all.
        # The union is written once, in the same operation, so blank nodes are shared with the graph.
        union = text if is_served(name) else ""
        update = (f"{self._withdraw(name)} ;\nDROP SILENT GRAPH <{name}> ;\n"
                  f"INSERT DATA {{ GRAPH <{name}> {{\n{text}}}\n{union}}}")
        try:
            self._store.update(update)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.descriptor}: could not replace graph <{name}>: {exc}") from exc

    def add_graphs(self, graphs: Mapping[str, bytes]) -> None:
        """Write many graphs, each given as N-Triples, at once with pyoxigraph's bulk loader, which costs
        a third of a transaction per quad on disk (bench/README.md). Graphs the store holds already are
        replaced one by one.

        The bulk loader writes as it goes, so the new graphs' names are first put in the journal graph
        (in a transaction) and taken out once they are complete. A failure drops them again, and so
        does the next opening of the store after a crash (``_undo_unfinished_writes``): readers never
        keep part of a graph.
        """
        new = {name: body for name, body in graphs.items()
               if not self._store.contains_named_graph(ox.NamedNode(name))}
        for name in graphs.keys() - new.keys():
            self.replace_graph(name, from_ntriples(graphs[name]))
        if not new:
            return
        journal = ox.NamedNode(JOURNAL_GRAPH)
        self._wrote(*new)
        try:
            self._store.extend([ox.Quad(ox.NamedNode(name), _WRITING, _TRUE, journal) for name in new])
            # Each line ends with " .\n", and nowhere else: N-Triples escapes line breaks in literals.
            # One document: a blank node of a graph and of its copy in the union is the same node.
            quads = b"".join(body.replace(b" .\n", f" <{name}> .\n".encode()) + (body if is_served(name) else b"")
                             for name, body in new.items())
            self._store.bulk_load(quads, format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError) as exc:
            self._undo_unfinished_writes()
            raise StoreError(f"{self.descriptor}: could not write {len(new)} graphs: {exc}") from exc
        self._store.remove_graph(journal)

    def _undo_unfinished_writes(self) -> None:
        """Drop the graphs the journal names (a bulk write that did not finish), and take out of the
        union what no served graph holds any more: the bulk writer may have written part of either."""
        journal = ox.NamedNode(JOURNAL_GRAPH)
        unfinished = [q.subject for q in self._store.quads_for_pattern(None, _WRITING, None, journal)]
        if not unfinished:
            return
        self._quarantined = None
        orphans = (f"DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} "
                   f"FILTER({served_test('?g')}) }} }}")
        drops = " ;\n".join(f"DROP SILENT GRAPH {name}" for name in unfinished)
        self._store.update(f"{drops} ;\n{orphans} ;\nDROP SILENT GRAPH <{JOURNAL_GRAPH}>")

    @staticmethod
    def _withdraw(*names: str) -> str:
        """An update removing from the union the triples only the graphs ``names`` hold.

        The store's default graph is kept as the set union of the served graphs: SPARQL's default graph
        is a merge, and a union over graphs at query time would answer once per graph stating a triple.
        """
        stated = f"GRAPH <{names[0]}>" if len(names) == 1 else \
            f"VALUES ?g {{ {' '.join(f'<{n}>' for n in names)} }} GRAPH ?g"
        listed = ", ".join(f"<{n}>" for n in names)
        return (f"DELETE {{ ?s ?p ?o }} WHERE {{ {stated} {{ ?s ?p ?o }} "
                f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} "
                f"FILTER(?other NOT IN ({listed}) && {served_test('?other')}) }} }}")

    @staticmethod
    def _publish(name: str) -> str:
        """An update adding to the union the triples of graph ``name`` (which must be served)."""
        return f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"

    def _rebuild_union(self) -> None:
        self._store.update("DROP SILENT DEFAULT ; INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
                           f"FILTER({served_test('?g')}) }}")

    def bulk_load(self, name: str, ntriples: Iterable[bytes]) -> None:
        """Replace the named graph ``name`` by the N-Triples read from ``ntriples`` (chunks of bytes).

        Not one transaction: pyoxigraph's bulk loader writes as it reads, so readers may see part of
        the graph while it loads, and a failure leaves part of it; loading again replaces it whole.
        """
        target = ox.NamedNode(name)
        self._wrote(name)
        try:
            self._store.update(f"{self._withdraw(name)} ; DROP SILENT GRAPH <{name}>")
            source = io.BufferedReader(_ChunkReader(ntriples), buffer_size=1 << 20)
            self._store.bulk_load(source, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
            if is_served(name):
                self._store.update(self._publish(name))
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.descriptor}: could not load graph <{name}>: {exc}") from exc

    def drop_graph(self, name: str) -> None:
        if not self._store.contains_named_graph(ox.NamedNode(name)):
            return
        withdraw = f"{self._withdraw(name)} ; " if is_served(name) else ""   # an unserved graph is not in the union
        self._store.update(f"{withdraw}DROP SILENT GRAPH <{name}>")
        self._wrote(name)

    def update(self, sparql: str, *, writes: Collection[str] | None = None) -> None:
        """Run a SPARQL 1.1 Update in one transaction; QueryError carries the parser's message.

        ``writes``: the named graphs the update may write, when the caller knows them. The union then
        follows those graphs alone (nothing to do for unserved ones), in the same transaction; without
        it, an update may have written anywhere, and the union is rebuilt whole.
        """
        if writes is None:
            self._quarantined = None       # any graph may have been written
        else:
            self._wrote(*writes)
        served = None if writes is None else [g for g in dict.fromkeys(writes) if is_served(g)]
        if served:
            # Withdrawn together: a triple only these graphs hold must leave the union if they all drop it.
            sparql = " ;\n".join([self._withdraw(*served), sparql, *map(self._publish, served)])
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL update: {exc}") from None
        except (OSError, ValueError, TypeError) as exc:
            raise QueryError(f"the update could not be applied: {exc}") from None
        if served is None:
            self._rebuild_union()

    def merge_graph(self, source: str, target: str, *, less: str | None = None) -> None:
        """Add graph ``source``'s triples to graph ``target`` and drop ``source``, in one transaction; the
        triples graph ``less`` holds are kept out of ``target`` (and leave it). The work is proportional
        to ``source`` and ``less``: it grows a large graph by a small one."""
        ops = [self._withdraw(source)] if is_served(source) else []
        kept = f"GRAPH <{source}> {{ ?s ?p ?o }}"
        if less is not None:
            kept += f" FILTER NOT EXISTS {{ GRAPH <{less}> {{ ?s ?p ?o }} }}"
            common = f"GRAPH <{less}> {{ ?s ?p ?o }} GRAPH <{target}> {{ ?s ?p ?o }}"
            if is_served(target) and not is_served(less):
                ops.append(f"DELETE {{ ?s ?p ?o }} WHERE {{ {common} FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} "
                           f"FILTER(?other != <{target}> && {served_test('?other')}) }} }}")
            ops.append(f"DELETE {{ GRAPH <{target}> {{ ?s ?p ?o }} }} WHERE {{ {common} }}")
        template = f"GRAPH <{target}> {{ ?s ?p ?o }}" + (" ?s ?p ?o" if is_served(target) else "")
        ops += [f"INSERT {{ {template} }} WHERE {{ {kept} }}", f"DROP SILENT GRAPH <{source}>"]
        self._wrote(source, target)
        try:
            self._store.update(" ;\n".join(ops))
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.descriptor}: could not merge graph <{source}> into <{target}>: {exc}") from exc

    # -- reading --------------------------------------------------------------------------------
    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def graph(self, name: str) -> Graph:
        result = Graph()
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
            result.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        return result

    def _wrote(self, *names: str) -> None:
        """Keep ``_visible_graphs()`` current after a write to the named graphs ``names``. Listing the
        graphs costs in proportion to their number, so it is not redone after each article of a build:
        while no graph is quarantined, queries need no list of the visible ones."""
        if self._quarantined is False and not any(QUARANTINE_MARK in n for n in names):
            return
        self._quarantined = None

    def _visible_graphs(self) -> tuple[ox.NamedNode, ...] | None:
        """The graphs queries see by name (all but the quarantined) when any graph is quarantined; None
        when none is, and queries may see every graph."""
        if self._quarantined is None:
            names = [g for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)]
            self._visible = tuple(sorted((g for g in names if QUARANTINE_MARK not in g.value), key=lambda g: g.value))
            self._quarantined = len(self._visible) < len(names)
        return self._visible if self._quarantined else None

    def _dataset(self, default_graphs: Sequence[str] | None,
                 named_graphs: Sequence[str] | None) -> dict[str, Any]:
        """pyoxigraph's dataset options. By default the store's own default graph, which holds the set
        union of the served graphs (one index scan per pattern; a list of graphs costs one per graph)."""
        if default_graphs is None and named_graphs is None:
            # The store's default graph holds the union of the served graphs (see _withdraw); quarantine
            # graphs are hidden from GRAPH patterns too, scratch graphs are not (reasoning reads them).
            visible = self._visible_graphs()
            return {} if visible is None else {"named_graphs": list(visible)}
        if named_graphs is None:
            served = [ox.NamedNode(g) for g in default_graphs]
            return {"default_graph": served or ox.DefaultGraph(), "named_graphs": served}
        return {"default_graph": [ox.NamedNode(g) for g in default_graphs or ()] or ox.DefaultGraph(),
                "named_graphs": [ox.NamedNode(g) for g in named_graphs]}

    def evaluate(self, sparql: str, *, default_graphs: Sequence[str] | None = None,
                 named_graphs: Sequence[str] | None = None,
                 query_dataset: bool = False) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a query and return pyoxigraph's answer, evaluated lazily as it is iterated.

        The dataset: ``query_dataset`` keeps the query's own FROM / FROM NAMED; otherwise the given
        graphs (SPARQL 1.1 Protocol default-graph-uri / named-graph-uri), or by default the union of
        every graph but the quarantined ones. QueryError carries the parser's message.
        """
        options = {} if query_dataset else self._dataset(default_graphs, named_graphs)
        try:
            return self._store.query(sparql, **options)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL query: {exc}") from None
        except (OSError, ValueError, TypeError) as exc:
            raise QueryError(f"the query could not be evaluated: {exc}") from None

    def query(self, sparql: str, *, default_graphs: Sequence[str] | None = None) -> QueryResult:
        return answer_to_result(self.evaluate(sparql, default_graphs=default_graphs))

    def query_to(self, sparql: str, fmt: Format, *,
                 default_graphs: Sequence[str] | None = None) -> tuple[str, bytes]:
        return serialise_answer(self.evaluate(sparql, default_graphs=default_graphs), fmt)

    def export(self, output: BinaryIO, fmt: Format, graphs: Iterable[str]) -> None:
        names = [ox.NamedNode(g) for g in graphs]
        if fmt.dataset:
            quads = (q for name in names for q in self._store.quads_for_pattern(None, None, None, name))
            ox.serialize(quads, output, fmt.oxigraph, prefixes=PREFIXES)  # type: ignore[arg-type]
            return
        triples = (ox.Triple(q.subject, q.predicate, q.object)
                   for name in names for q in self._store.quads_for_pattern(None, None, None, name))
        ox.serialize(triples, output, fmt.oxigraph, prefixes=PREFIXES)  # type: ignore[arg-type]

    def in_memory(self, *, at_most: int) -> OxigraphStore | None:
        """A copy of the whole store in memory, or None when it holds more than ``at_most`` quads.

        For answering reads: every IRI and long literal of an answer is a key-value look-up in RocksDB,
        and the in-memory store reads them about ten times faster (measured: 20 µs against 1.5 µs a
        triple, describing an exchange of a million-triple graph)."""
        if len(self._store) > at_most:
            return None
        copy = OxigraphStore(None, descriptor=f"{self.descriptor} (copied into memory)")
        quads = self._store.quads_for_pattern(None, None, None, None)
        # In slices: pyoxigraph holds the GIL while it reads a Python iterable, and other threads (a server's
        # event loop) must run between them.
        while chunk := list(itertools.islice(quads, 4096)):
            copy._store.bulk_extend(chunk)
        return copy

    def close(self) -> None:
        self._store.flush() if hasattr(self._store, "flush") else None
        del self._store


class _ChunkReader(io.RawIOBase):
    """A binary file over an iterable of byte chunks, for pyoxigraph's streaming bulk loader."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]  # a view: no copy of the rest
        return size
