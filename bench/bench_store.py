"""Bulk loads and curated queries against every store: embedded (on disk), Oxigraph server, Virtuoso.

    python bench/bench_store.py                       # one million triples
    python bench/bench_store.py --triples 100000      # a quick run
    python bench/bench_store.py --stores embedded,oxigraph-server --runs 3

The graph is bench_http.py's generator of this domain's shape (articles with provenance, exchanges
shared between articles, cohorts, running totals, a Web Annotation for every value), written once as
N-Triples: every triple in one named graph, the case a bulk load is for. Each server is started by
this script on free loopback ports (tests/servers.py) in a temporary folder, and stopped at the end.

For each store, the same N-Triples file is loaded into an empty graph by two loaders, in turn,
``--repeat`` times each (the fastest load of each is shown):

    powkg      ``Store.bulk_load(graph, chunks)``: the file read in 1 MiB chunks, sent in batches;
               it also fills the store's union graph (the default graph of queries, a set of
               triples), so it writes every triple twice where the peer writes it once
    peer       the store's own loader, fed the whole file at once:
               embedded         pyoxigraph ``Store.bulk_load(path=...)`` into a fresh store
               oxigraph-server  ``POST /store?graph=...&no_transaction`` (its bulk loader)
               virtuoso         ``POST /sparql-graph-crud-auth?graph=...`` (its Graph Store endpoint)

and then every curated query of queries/ runs ``--runs`` times through ``Store.query`` (parameters
bound to the first exchange of the graph); for the servers, the same text also goes to the server
directly over HTTP, to show what the store layer adds. Every time is a median; the row counts of
each query must agree between the stores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "bench"), str(REPO / "tests")]

from bench_http import generate  # noqa: E402  (bench/ and tests/ are folders of scripts, not packages)

from powkg.queries import load_queries  # noqa: E402
from powkg.store import Store, open_store  # noqa: E402
from servers import VIRTUOSO, OxigraphServer, Server, VirtuosoServer  # noqa: E402

GRAPH = "https://w3id.org/powkg/graph/article/bench"
POW = "https://w3id.org/powkg/ontology#"
STORES = ("embedded", "oxigraph-server", "virtuoso")
CHUNK = 1 << 20


# -- the graph ------------------------------------------------------------------------------------
def write_ntriples(work: Path, target: int) -> tuple[Path, int]:
    """Exactly ``target`` distinct triples of bench_http's domain graph (its quads, in one graph)."""
    nquads = work / "graph.nq"
    kept: dict[bytes, None] = {}
    surplus = 1.1                                # the same triple recurs in several articles' graphs
    while len(kept) < target:
        generate(nquads, int(target * surplus))
        kept.clear()
        for quad in ox.parse(path=nquads, format=ox.RdfFormat.N_QUADS):
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            kept[ox.serialize([triple], format=ox.RdfFormat.N_TRIPLES) or b""] = None
            if len(kept) == target:
                break
        surplus *= 1.1
    nquads.unlink()
    path = work / "graph.nt"
    path.write_bytes(b"".join(kept))
    return path, len(kept)


def chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as source:
        while block := source.read(CHUNK):
            yield block


# -- one store ------------------------------------------------------------------------------------
class Subject:
    """A store under test: how to open it, its peer loader, and (for a server) its own query URL."""

    def __init__(self, kind: str, work: Path, buffers: int) -> None:
        self.kind = kind
        self.work = work / kind
        shutil.rmtree(self.work, ignore_errors=True)    # a fresh store each run, as the README says
        self.server: Server | None = None
        if kind == "oxigraph-server":
            self.server = OxigraphServer(self.work).start()
        elif kind == "virtuoso":
            self.server = VirtuosoServer(self.work, buffers=buffers).start()
        self.store = self.server.open(store_timeout="3600") if self.server else \
            open_store(f"oxigraph:{self.work / 'store'}")
        self.http = httpx.Client(timeout=3600)     # one client, as the store keeps one

    @property
    def peer_name(self) -> str:
        return {"embedded": "pyoxigraph Store.bulk_load", "oxigraph-server": "POST /store?no_transaction",
                "virtuoso": "POST /sparql-graph-crud-auth"}[self.kind]

    def load_with_peer(self, path: Path) -> float:
        """Seconds the store's own loader takes for the file (a fresh store for the embedded one)."""
        if self.server is None:
            fresh = ox.Store(str(self.work / "peer"))
            started = time.perf_counter()
            fresh.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
            elapsed = time.perf_counter() - started
            del fresh
            shutil.rmtree(self.work / "peer")
            return elapsed
        body = path.read_bytes()
        settings = self.server.settings()
        endpoint = self.store.endpoints.store  # type: ignore[attr-defined]
        auth = httpx.DigestAuth(settings.store_user, settings.store_password) if settings.store_user else None
        with httpx.Client(auth=auth, timeout=3600) as client:
            client.get(endpoint, params={"graph": GRAPH + "/none"})       # the digest challenge, answered once
            started = time.perf_counter()
            params = [("graph", GRAPH), *self.store.endpoints.load]  # type: ignore[attr-defined]
            answer = client.post(endpoint, params=params, content=body,
                                 headers={"Content-Type": "application/n-triples"})
            elapsed = time.perf_counter() - started
        answer.raise_for_status()
        return elapsed

    def load_with_powkg(self, path: Path) -> float:
        started = time.perf_counter()
        self.store.bulk_load(GRAPH, chunks(path))
        return time.perf_counter() - started

    def count(self) -> int:
        answer = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graphs=[GRAPH])
        return int(answer.rows[0]["n"])  # type: ignore[arg-type]

    def clear(self) -> None:
        self.store.drop_graph(GRAPH)

    def direct(self, sparql: str) -> None:
        """The query sent to the server itself, over the same dataset, answer read whole."""
        assert self.server is not None
        answer = self.http.post(self.server.query_url, headers={"Accept": "application/sparql-results+json"},
                                data={"query": sparql, "default-graph-uri": GRAPH, "named-graph-uri": GRAPH})
        answer.raise_for_status()

    def close(self) -> None:
        self.http.close()
        self.store.close()
        if self.server is not None:
            self.server.stop()


def median_ms(run: Callable[[], object], runs: int) -> float:
    run()  # once to warm caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def queries_for(store: Store) -> dict[str, str]:
    exchange = store.query(f"SELECT ?e WHERE {{ ?e a <{POW}Exchange> }} ORDER BY ?e LIMIT 1").rows[0]["e"]
    values = {"iri": str(exchange), "integer": "2024", "string": "returned", "date": "2024-12-30"}
    texts = {}
    for name, query in load_queries(REPO / "queries").items():
        texts[name] = query.bind({p.name: values[p.type] for p in query.parameters if p.required})
    return texts


# -- the run --------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="size of the generated graph")
    parser.add_argument("--stores", default=",".join(STORES), help="comma-separated: " + ", ".join(STORES))
    parser.add_argument("--runs", type=int, default=5, help="runs of each query (the median is shown)")
    parser.add_argument("--repeat", type=int, default=2, help="loads by each loader (the fastest is shown)")
    parser.add_argument("--buffers", type=int, default=200_000, help="Virtuoso's NumberOfBuffers (8 KiB each)")
    parser.add_argument("--work", type=Path, help="folder for the graph and the stores (default: a temporary one)")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.stores.split(",") if k.strip()]
    unknown = set(kinds) - set(STORES)
    if unknown:
        parser.error(f"unknown store {', '.join(sorted(unknown))}; choose from {', '.join(STORES)}")
    if "virtuoso" in kinds and VIRTUOSO is None:
        print("virtuoso-t is not installed: leaving Virtuoso out", file=sys.stderr)
        kinds.remove("virtuoso")
    work = args.work or Path(tempfile.mkdtemp(prefix="powkg-bench-store-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        run(kinds, work, args)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def run(kinds: list[str], work: Path, args: argparse.Namespace) -> None:
    path, triples = write_ntriples(work, args.triples)
    print(f"graph: {triples:,} triples, {path.stat().st_size / 1e6:.1f} MB of N-Triples; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}\n", flush=True)
    loads: dict[str, tuple[float, float, str]] = {}
    latencies: dict[str, dict[str, tuple[int, float, float | None]]] = {}
    for kind in kinds:
        subject = Subject(kind, work, args.buffers)
        try:
            ours_times, peer_times = [], []
            for attempt in range(args.repeat):       # alternating, so neither loads always into a fresher store
                for loader in ((subject.load_with_powkg, subject.load_with_peer) if attempt % 2 == 0 else
                               (subject.load_with_peer, subject.load_with_powkg)):
                    elapsed = loader(path)
                    if loader == subject.load_with_powkg or subject.server is not None:
                        assert subject.count() == triples, f"{kind}: {subject.count()} triples after a load"
                    (ours_times if loader == subject.load_with_powkg else peer_times).append(elapsed)
                    if subject.server is not None or loader == subject.load_with_powkg:
                        subject.clear()
            subject.store.bulk_load(GRAPH, chunks(path))   # the graph the queries run on
            ours, peer = min(ours_times), min(peer_times)
            loads[kind] = (ours, peer, subject.peer_name)
            print(f"{kind}: loaded in {ours:.1f} s (powkg) and {peer:.1f} s ({subject.peer_name})", flush=True)
            latencies[kind] = {}
            for name, text in queries_for(subject.store).items():
                rows = len(subject.store.query(text).rows)
                ms = median_ms(lambda text=text, s=subject: s.store.query(text), args.runs)
                direct = median_ms(lambda text=text, s=subject: s.direct(text), args.runs) if subject.server else None
                latencies[kind][name] = (rows, ms, direct)
        finally:
            subject.close()
    report(triples, kinds, loads, latencies)


def report(triples: int, kinds: list[str], loads: dict[str, tuple[float, float, str]],
           latencies: dict[str, dict[str, tuple[int, float, float | None]]]) -> None:
    print(f"\nBulk load of {triples:,} triples (triples per second; ratio = powkg / the store's own loader)")
    print(f"{'store':17} {'powkg bulk_load':>16} {'own loader':>12}  {'ratio':>5}  own loader")
    for kind in kinds:
        ours, peer, peer_name = loads[kind]
        print(f"{kind:17} {triples / ours:>16,.0f} {triples / peer:>12,.0f}  {peer / ours:>5.2f}  {peer_name}")
    first = kinds[0]
    print(f"\nCurated queries: median milliseconds through Store.query (direct: the server itself); "
          f"ratio to {first}")
    header = f"{'query':25} {'rows':>6}" + "".join(
        f" {kind:>15}" + (f" {'direct':>8}" if latencies[kind] and
                          next(iter(latencies[kind].values()))[2] is not None else "") + f" {'ratio':>6}"
        for kind in kinds)
    print(header)
    for name in latencies[first]:
        rows = {latencies[kind][name][0] for kind in kinds}
        line = f"{name:25} {'/'.join(str(r) for r in sorted(rows)):>6}"
        for kind in kinds:
            _, ms, direct = latencies[kind][name]
            line += f" {ms:>15.1f}" + (f" {direct:>8.1f}" if direct is not None else "")
            line += f" {ms / latencies[first][name][1]:>6.2f}"
        print(line + ("" if len(rows) == 1 else "   <- the stores disagree on the rows"))


if __name__ == "__main__":
    main()
