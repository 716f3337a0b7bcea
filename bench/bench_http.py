"""The HTTP layer under load: powkg against rdflib-endpoint and `oxigraph serve`, same graph, same queries.

    python bench/bench_http.py                       # the bundled sample graph
    python bench/bench_http.py --triples 1000000     # a generated graph of this domain's shape, 1M triples
    python bench/bench_http.py --triples 100000 --duration 3 --servers powkg,oxigraph --repeats 1

Each server is started as its own process on 127.0.0.1 over the same dataset: the named graphs, and a
default graph that is their set union (the layout powkg's embedded store keeps), so every server gives
the same answers:

    powkg             `powkg serve` over an embedded on-disk store (the default deployment)
    oxigraph          `oxigraph serve-read-only` (the Rust server, from the `oxigraph` package)
    rdflib-endpoint   `rdflib-endpoint serve` of the named graphs (its default graph is their union, a set)

The queries are the curated queries of queries/ (parameters bound to an exchange taken from the graph)
and a lookup by IRI (``SELECT ?p ?o WHERE { <iri> ?p ?o }``, cycling over 50 exchanges), each sent as
``GET /sparql?query=...`` asking for SPARQL JSON. powkg also gets its own routes: ``/id/...`` as
Turtle and as the HTML page, and ``/queries/exchanges-by-date``. First every curated query is asked of
powkg through SPARQLWrapper in every results format and compared row by row with oxigraph's answer;
then each query runs once alone on every server (the number of rows is compared).

The load comes from a second process (this script with ``--client``): ``--concurrency`` keep-alive
connections, each sending its next request when the last answer is read, for ``--duration`` seconds;
requests still running then get ``--grace`` seconds to finish and are counted as time-outs after it.
Only 200 answers count as completed. Each server gets ``--repeats`` windows per query, the servers
taking turns, and the report gives medians: requests per second, median and 99th-percentile latency,
the completed requests of each window, time-outs, and powkg's throughput over each other server's (the
median of the ratios of windows run back to back). A server that completes nothing in a window has
throughput 0 there; for the ratio it is counted as one request, which makes the ratio a bound (≥ or ≤).
The verdicts take the geometric mean of the per-query ratios over the curated queries, and also give
the completed requests summed over the same mix. A server still busy ``--drain`` seconds after a window
is restarted (rdflib-endpoint cannot drop a query it has started).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx

REPO = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/powkg/"
ID = BASE + "id/"
POW = BASE + "ontology#"
JSON_RESULTS = "application/sparql-results+json"
# One client for the requests sent alone: a new httpx client costs tens of milliseconds (its TLS context).
ALONE = httpx.Client()


# -- the graph ------------------------------------------------------------------------------------
class Writer:
    """N-Quads lines, counted."""

    def __init__(self, out) -> None:  # type: ignore[no-untyped-def]
        self.out = out
        self.count = 0
        self.blank = 0

    def quad(self, s: str, p: str, o: str, g: str) -> None:
        self.out.write(f"{s} {p} {o} {g} .\n")
        self.count += 1

    def bnode(self) -> str:
        self.blank += 1
        return f"_:b{self.blank}"


def iri(value: str) -> str:
    return f"<{value}>"


def lit(value: object, datatype: str | None = None) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if datatype:
        return f'"{text}"^^<http://www.w3.org/2001/XMLSchema#{datatype}>'
    return f'"{text}"'


RDF_TYPE = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDF_VALUE = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#value")
LABEL = iri("http://www.w3.org/2000/01/rdf-schema#label")
OA = "http://www.w3.org/ns/oa#"
DCT = "http://purl.org/dc/terms/"


def vocabulary() -> dict[str, list[str]]:
    """The reference individuals of ontology/ by kind, and the ontology as N-Quads lines."""
    from powkg.vocabulary import load_ontology

    graph = load_ontology(REPO / "ontology")
    kinds = {}
    for kind, cls in (("unit", "Unit"), ("category", "PersonCategory"), ("mediator", "Mediator"),
                      ("agent", "StatingAgent")):
        kinds[kind] = sorted(str(s) for s in graph.subjects(
            iri_ref("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), iri_ref(POW + cls)))
    kinds["place"] = sorted(str(r.p) for r in graph.query(
        f"SELECT DISTINCT ?p WHERE {{ ?p <{POW}locatedIn> ?x }}"))
    kinds["closure"] = [f"{r.p}\t{r.r}" for r in graph.query(
        f"SELECT DISTINCT ?p ?r WHERE {{ ?p <{POW}locatedIn>/<{POW}locatedIn>+ ?r }}")]
    kinds["ontology"] = [line for line in graph.serialize(format="nt").splitlines() if line.strip()]
    return kinds


def iri_ref(value: str):  # type: ignore[no-untyped-def]
    from rdflib import URIRef

    return URIRef(value)


def generate(path: Path, target: int, seed: int = 7) -> int:
    """A graph of this domain's shape with at least ``target`` quads, written as N-Quads.

    One named graph per article: the article with its provenance, one or two exchange reports (dated
    exchanges are shared between articles, some with a different total: conflicts), cohorts with
    counts and nesting, running totals, and a Web Annotation evidence node with both selectors for
    every stated value; the ontology and vocabulary in their graph, and an inferred graph (inverse
    cohort links, the transitive closure of locatedIn).
    """
    rng = random.Random(seed)
    vocab = vocabulary()
    ontology_graph, inferred_graph = iri(BASE + "graph/ontology"), iri(BASE + "graph/inferred")
    with path.open("w", encoding="utf-8") as out:
        w = Writer(out)
        for line in vocab["ontology"]:
            out.write(line.rstrip(" .") + f" {ontology_graph} .\n")
            w.count += 1
        for pair in vocab["closure"]:
            place, region = pair.split("\t")
            w.quad(iri(place), iri(POW + "locatedIn"), iri(region), inferred_graph)
        days = [f"{y}-{m:02d}-{d:02d}" for y in (2022, 2023, 2024, 2025) for m in range(1, 13) for d in (3, 11, 19, 27)]
        article = 0
        while w.count < target:
            article += 1
            _article(w, rng, vocab, article, days, inferred_graph)
    return w.count


def _evidence(w: Writer, rng: random.Random, g: str, article: str, digest: str, n: int, body: str, prop: str,
              value: str, agents: list[str]) -> str:
    ev = iri(f"{ID}article/{digest}/evidence/{n}")
    target, quote, position = w.bnode(), w.bnode(), w.bnode()
    start = rng.randrange(0, 4000)
    w.quad(body, iri(POW + "evidence"), ev, g)
    for p, o in ((RDF_TYPE, iri(POW + "Evidence")), (iri(OA + "hasBody"), body), (iri(OA + "motivatedBy"),
                 iri(OA + "describing")), (iri(POW + "supports"), iri(POW + prop)), (RDF_VALUE, value),
                 (iri(OA + "hasTarget"), target)):
        w.quad(ev, p, o, g)
    if rng.random() < 0.4:
        w.quad(ev, iri(POW + "attributedTo"), iri(rng.choice(agents)), g)
    for p, o in ((RDF_TYPE, iri(OA + "SpecificResource")), (iri(OA + "hasSource"), article),
                 (iri(OA + "hasSelector"), quote), (iri(OA + "hasSelector"), position)):
        w.quad(target, p, o, g)
    w.quad(quote, RDF_TYPE, iri(OA + "TextQuoteSelector"), g)
    w.quad(quote, iri(OA + "exact"), lit(f"the words that state {prop} {value[:20]}"), g)
    w.quad(position, RDF_TYPE, iri(OA + "TextPositionSelector"), g)
    w.quad(position, iri(OA + "start"), lit(start, "nonNegativeInteger"), g)
    w.quad(position, iri(OA + "end"), lit(start + 40, "nonNegativeInteger"), g)
    return ev


def _article(w: Writer, rng: random.Random, vocab: dict[str, list[str]], number: int, days: list[str],
             inferred: str) -> None:
    digest = f"{number:016x}"
    g = iri(f"{BASE}graph/article/{digest}")
    article = iri(f"{ID}article/{digest}")
    published = rng.choice(days)
    for p, o in ((RDF_TYPE, iri(POW + "Article")), (iri(DCT + "identifier"), lit(f"gen{number:06d}")),
                 (iri(DCT + "language"), lit(rng.choice(("en", "uk", "ru")), "language")),
                 (iri(DCT + "source"), lit(f"generated/gen{number:06d}.txt")), (iri(POW + "digest"), lit(digest)),
                 (LABEL, lit(f"Generated article {number}")),
                 (iri(DCT + "publisher"), lit(rng.choice(("A", "B", "C")))),
                 (iri("https://schema.org/datePublished"), lit(published, "date"))):
        w.quad(article, p, o, g)
    w.quad(g, RDF_TYPE, iri("http://www.w3.org/ns/prov#Entity"), g)
    w.quad(g, iri("http://www.w3.org/ns/prov#wasDerivedFrom"), article, g)
    w.quad(g, iri(POW + "extractorVersion"), lit("0.1.0"), g)
    n = 0
    for _ in range(rng.choice((1, 1, 2))):
        day = rng.choice(days)
        exchange = iri(f"{ID}exchange/{day}")
        total = rng.choice((50, 75, 90, 95, 100, 150, 189, 200, 207, 246))
        if rng.random() < 0.1:
            total += rng.choice((-2, 2))    # a source that disagrees
        for p, o in ((RDF_TYPE, iri(POW + "Exchange")), (LABEL, lit(f"Exchange of {day}")),
                     (iri(POW + "reportedIn"), article)):
            w.quad(exchange, p, o, g)
        for prop, value in (("date", lit(day, "date")), ("returnedToUkraine", lit(total, "nonNegativeInteger")),
                            ("mediatedBy", iri(rng.choice(vocab["mediator"])))):
            w.quad(exchange, iri(POW + prop), value, g)
            _evidence(w, rng, g, article, digest, n, exchange, prop, value, vocab["agent"])
            n += 1
        parent = None
        for index in range(rng.choice((2, 3, 4))):
            use_place = index == 0 and rng.random() < 0.5
            role, key_iri = (("defended", rng.choice(vocab["place"])) if use_place else
                             ("unit", rng.choice(vocab["unit"])) if index % 2 == 0 else
                             ("category", rng.choice(vocab["category"])))
            cohort = iri(f"{ID}exchange/{day}/cohort/{role}-{key_iri.rsplit('/', 1)[-1]}")
            prop = {"defended": "locationDefended", "unit": "unit", "category": "personCategory"}[role]
            count = rng.randrange(1, total)
            for p, o in ((RDF_TYPE, iri(POW + "Cohort")), (iri(POW + "cohortOf"), exchange),
                         (iri(POW + prop), iri(key_iri)), (LABEL, lit(key_iri.rsplit("/", 1)[-1]))):
                w.quad(cohort, p, o, g)
            w.quad(cohort, iri(POW + "count"), lit(count, "nonNegativeInteger"), g)
            _evidence(w, rng, g, article, digest, n, cohort, "count", lit(count, "nonNegativeInteger"), vocab["agent"])
            n += 1
            if parent is not None and rng.random() < 0.3:
                w.quad(cohort, iri(POW + "partOf"), parent, g)
            parent = cohort
            w.quad(exchange, iri(POW + "hasCohort"), cohort, inferred)
    if rng.random() < 0.3:
        claim = iri(f"{ID}article/{digest}/total/0")
        count = 1000 + number
        for p, o in ((RDF_TYPE, iri(POW + "RunningTotal")), (iri(POW + "statedIn"), article),
                     (iri(POW + "measure"), lit("returned")), (iri(POW + "since"), lit("full_scale_invasion")),
                     (iri(POW + "scope"), lit(f"{count} returned since the full-scale invasion")),
                     (iri(POW + "asOf"), lit(published, "date")),
                     (iri(POW + "count"), lit(count, "nonNegativeInteger"))):
            w.quad(claim, p, o, g)
        _evidence(w, rng, g, article, digest, n, claim, "count", lit(count, "nonNegativeInteger"), vocab["agent"])


def sample_quads(path: Path) -> int:
    """The bundled articles through powkg's own pipeline (whole-graph validation left out: serving does not
    need it), every graph but quarantine, as N-Quads."""
    import pyoxigraph as ox

    from powkg.formats import rdf_format
    from powkg.iris import QUARANTINE_MARK
    from powkg.pipeline import Project, ingest, reason
    from powkg.settings import load_settings
    from powkg.store import open_store

    settings = load_settings({"store": "memory:"}, environ={})
    store = open_store("memory:")
    print("building the bundled sample with the pipeline (ingest, reason) ...", file=sys.stderr)
    project = Project.load(settings)
    ingest([REPO / "data" / "sample"], store, project)
    reason(store, project)
    graphs = [g for g in store.graph_names() if QUARANTINE_MARK not in g]
    with path.open("wb") as out:
        store.export(out, rdf_format("nquads"), graphs)
    store.close()
    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


# -- the servers ----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    endpoint: str                    # the SPARQL query URL
    process: subprocess.Popen[bytes]
    base: str
    extra: dict[str, list[str]] = field(default_factory=dict)


def wait_until_up(url: str, process: subprocess.Popen[bytes], limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, headers={"Accept": JSON_RESULTS}, timeout=5).is_success:
                return
            raise RuntimeError(f"{url} answers, but not to a SPARQL query")
        except httpx.TransportError:
            time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {limit:.0f} s")


def served_quads(data: Path) -> Path:
    """``data`` with each of its triples also in the default graph: the layout powkg's embedded store keeps
    (the default graph is the set union of the served graphs), given to powkg and `oxigraph serve` alike,
    so both answer over the same dataset with the same (set) semantics. One file, so that blank nodes
    are the same nodes in a named graph and in the default graph."""
    served = data.with_name("served-" + data.name)
    if served.exists():
        return served
    partial = served.with_suffix(".partial")
    with data.open(encoding="utf-8") as lines, partial.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(line)
            triple, _, _graph = line.rstrip("\n").rstrip(" .").rpartition(" ")
            out.write(triple + " .\n")
    partial.rename(served)
    return served


def start_powkg(data: Path, work: Path, log) -> Server:  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    served = served_quads(data)
    location = work / f"powkg-store-{data.stem}"
    if not location.exists():
        partial = location.with_suffix(".partial")
        shutil.rmtree(partial, ignore_errors=True)
        store = ox.Store(str(partial))
        store.bulk_load(path=str(served), format=ox.RdfFormat.N_QUADS)
        store.flush()
        del store
        partial.rename(location)
    port = free_port()
    # The linked-data cache off unless asked for (--cache-bytes): the figures measure the work, not the cache.
    environ = {**os.environ, "POWKG_CACHE_BYTES": str(POWKG_CACHE_BYTES)}
    process = subprocess.Popen([sys.executable, "-m", "powkg.cli", "--store", f"oxigraph:{location}", "serve",
                                "--port", str(port)], stdout=log, stderr=log, cwd=REPO, env=environ)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/sparql", process, 120)
    # A read-only powkg answers from a copy of its store in memory once the copy is loaded: wait for it.
    began = time.perf_counter()
    while (state := httpx.get(base + "/health", timeout=10).json().get("memory_copy")) == "loading":
        time.sleep(0.5)
    print(f"powkg: memory copy {state} ({time.perf_counter() - began:.1f} s after the server answered); "
          f"resident memory {_resident_mb(process.pid):,.0f} MB", file=sys.stderr)
    return Server("powkg", base + "/sparql", process, base)


def _resident_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmRSS:"))
    return int(kib) / 1024


def start_oxigraph(data: Path, work: Path, log) -> Server:  # type: ignore[no-untyped-def]
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    served = served_quads(data)
    location = work / f"oxigraph-store-{data.stem}"
    if not location.exists():
        partial = location.with_suffix(".partial")
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run([binary, "load", "--location", str(partial), "--file", str(served)], check=True,
                       stdout=log, stderr=log)
        partial.rename(location)
    port = free_port()
    # No --union-default-graph: Oxigraph's union is a bag (one match per graph stating a triple); the store
    # holds the set union as its default graph, as powkg's does.
    process = subprocess.Popen([binary, "serve-read-only", "--location", str(location), "--bind",
                                f"127.0.0.1:{port}"], stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/query", process, 120)
    return Server("oxigraph", base + "/query", process, base)


def start_rdflib(data: Path, work: Path, log) -> Server:  # type: ignore[no-untyped-def]
    binary = shutil.which("rdflib-endpoint") or str(Path(sys.executable).parent / "rdflib-endpoint")
    port = free_port()
    # The named graphs only: rdflib-endpoint's default graph is their union, a set.
    process = subprocess.Popen([binary, "serve", str(data), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/", process, 900)     # rdflib-endpoint answers SPARQL at its root
    return Server("rdflib-endpoint", base + "/", process, base)


POWKG_CACHE_BYTES = 0              # --cache-bytes
STARTERS = {"powkg": start_powkg, "oxigraph": start_oxigraph, "rdflib": start_rdflib}


def stop(server: Server, *, wait: float = 15) -> None:
    server.process.send_signal(signal.SIGINT)
    try:
        server.process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


# -- the queries ----------------------------------------------------------------------------------
def workload(any_server: Server) -> dict[str, list[str]]:
    """Query name -> the SPARQL texts sent for it (one, or several to cycle through)."""
    from powkg.queries import load_queries

    def rows(query: str) -> list[dict]:  # type: ignore[type-arg]
        answer = httpx.get(any_server.endpoint, params={"query": query}, headers={"Accept": JSON_RESULTS},
                           timeout=600)
        answer.raise_for_status()
        return answer.json()["results"]["bindings"]  # type: ignore[no-any-return]

    exchanges = [b["e"]["value"] for b in rows(
        f"SELECT DISTINCT ?e WHERE {{ ?c <{POW}cohortOf> ?e }} ORDER BY ?e LIMIT 50")]
    if not exchanges:
        raise RuntimeError("the graph holds no exchange with cohorts")
    chosen = exchanges[len(exchanges) // 2]
    texts: dict[str, list[str]] = {"lookup-by-iri": [f"SELECT ?p ?o WHERE {{ <{e}> ?p ?o }}" for e in exchanges]}
    for name, curated in load_queries(REPO / "queries").items():
        params = {p.name: chosen for p in curated.parameters if p.type == "iri" and p.name in ("exchange", "node")}
        texts[name] = [curated.bind(params)]
    return texts


# -- the load: a second process ----------------------------------------------------------------
async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _load(host: str, port: int, paths: list[str], accept: str, duration: float, concurrency: int,
                grace: float) -> dict[str, object]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    unfinished = 0
    start = time.perf_counter()
    stop_at = start + duration
    last = start

    async def worker(index: int) -> None:
        nonlocal unfinished, last
        reader, writer = await asyncio.open_connection(host, port)
        position = index
        try:
            while time.perf_counter() < stop_at:
                path = paths[position % len(paths)]
                position += concurrency
                request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {accept}\r\n\r\n").encode()
                began = time.perf_counter()
                try:
                    status = await asyncio.wait_for(_request(reader, writer, request),
                                                    timeout=max(0.01, stop_at + grace - began))
                except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
                    unfinished += 1
                    return
                done = time.perf_counter()
                if status == 200:       # an error answer (a time-out's 503) is not a completed request
                    latencies.append(done - began)
                statuses[status] = statuses.get(status, 0) + 1
                last = max(last, done)
        finally:
            writer.close()

    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    elapsed = max(duration, last - start)
    latencies.sort()
    return {"requests": len(latencies), "elapsed": elapsed, "rps": len(latencies) / elapsed,
            "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, math.ceil(0.99 * len(latencies)) - 1)]
            if latencies else None,
            "statuses": statuses, "unfinished": unfinished}


def client_main() -> None:
    job = json.load(sys.stdin)
    result = asyncio.run(_load(job["host"], job["port"], job["paths"], job["accept"], job["duration"],
                               job["concurrency"], job["grace"]))
    json.dump(result, sys.stdout)


def measure(base: str, paths: list[str], accept: str, args: argparse.Namespace) -> dict[str, object]:
    host, port = base.removeprefix("http://").split(":")
    job = {"host": host, "port": int(port), "paths": paths, "accept": accept, "duration": args.duration,
           "concurrency": args.concurrency, "grace": args.grace}
    done = subprocess.run([sys.executable, __file__, "--client"], input=json.dumps(job), capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def one_answer(server: Server, query: str, timeout: float) -> tuple[object, float | None]:
    """(rows, milliseconds) of requests alone: the answer check, and the latency without load (the median of
    three warm requests when the first takes under two seconds, else the first)."""
    times = []
    for attempt in range(4):
        began = time.perf_counter()
        try:
            response = ALONE.get(server.endpoint, params={"query": query}, headers={"Accept": JSON_RESULTS},
                                 timeout=timeout)
        except httpx.TimeoutException:
            return f"no answer within {timeout:g} s", None
        times.append(1000 * (time.perf_counter() - began))
        if not response.is_success:
            return f"HTTP {response.status_code}", times[-1]
        if attempt == 0:
            rows = len(response.json()["results"]["bindings"])
            if times[0] > 2000:
                return rows, times[0]
    return rows, statistics.median(times[1:])


def drained(server: Server, limit: float) -> bool:
    """Whether the server answers a trivial query again within ``limit`` seconds (abandoned requests
    may still be running there: rdflib-endpoint evaluates queries one at a time on its event loop)."""
    try:
        httpx.get(server.endpoint, params={"query": "ASK {}"}, headers={"Accept": JSON_RESULTS}, timeout=limit)
        return True
    except httpx.TimeoutException:
        return False


def sparql_paths(server: Server, texts: list[str]) -> list[str]:
    path = server.endpoint.removeprefix(server.base)
    return [f"{path}?{urlencode({'query': t})}" for t in texts]


# -- correctness through SPARQLWrapper ---------------------------------------------------------------
def _normal(value: str | None) -> str | None:
    """A term's value as every results format can give it: blank node labels are the server's own."""
    return "_:" if value is not None and value.startswith("_:") else value


def _tsv_value(term: str) -> str | None:
    """The value of a term written in SPARQL TSV (N-Triples syntax; numbers may be bare)."""
    if term == "":
        return None
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1]
    if term.startswith('"'):
        end = term.rindex('"')
        return json.loads(term[:end + 1])     # N-Triples string escapes are JSON's, for these values
    return term


# (GROUP_CONCAT(... ; SEPARATOR="s") AS ?name): the separator and the name; one level of nested parentheses.
_CONCAT = re.compile(r'GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?(?:;\s*SEPARATOR\s*=\s*"((?:[^"\\]|\\.)*)")?\s*\)'
                     r"\s*AS\s*\?(\w+)", re.IGNORECASE)


def concatenated(query: str) -> dict[str, str]:
    """The variables a query computes with GROUP_CONCAT, and their separators."""
    return {m[2]: " " if m[1] is None else json.loads(f'"{m[1]}"') for m in _CONCAT.finditer(query)}


def unordered(rows: list[tuple[str | None, ...]], variables: list[str],
              lists: dict[str, str]) -> list[tuple[str | None, ...]]:
    """Rows with each GROUP_CONCAT value's items sorted: SPARQL leaves their order to the engine (SPARQL 1.1
    Query §18.5.1.7), and it follows the store's layout (the same dataset on disk and in memory differ)."""
    def items(value: str | None, sep: str | None) -> str | None:
        return value if value is None or not sep else sep.join(sorted(value.split(sep)))
    return sorted((tuple(items(v, lists.get(name)) for v, name in zip(row, variables, strict=True)) for row in rows),
                  key=repr)


def _rows_json(answer: dict, variables: list[str]) -> list[tuple[str | None, ...]]:  # type: ignore[type-arg]
    def value(binding: dict | None) -> str | None:  # type: ignore[type-arg]
        if binding is None:
            return None
        return "_:" if binding["type"] == "bnode" else binding["value"]
    return sorted((tuple(value(b.get(v)) for v in variables) for b in answer["results"]["bindings"]),
                  key=repr)


def _rows_sparqlwrapper(fmt: str, converted: object, variables: list[str]) -> list[tuple[str | None, ...]]:
    import csv
    import io

    if fmt == "json":
        return _rows_json(converted, variables)  # type: ignore[arg-type]
    if fmt == "xml":
        rows = []
        for result in converted.getElementsByTagName("result"):  # type: ignore[attr-defined]
            cells: dict[str, str | None] = {}
            for binding in result.getElementsByTagName("binding"):
                term = next(n for n in binding.childNodes if n.nodeType == n.ELEMENT_NODE)
                text = "".join(n.data for n in term.childNodes if n.nodeType == n.TEXT_NODE)
                cells[binding.getAttribute("name")] = "_:" if term.tagName == "bnode" else text
            rows.append(tuple(cells.get(v) for v in variables))
        return sorted(rows, key=repr)
    text = converted.decode("utf-8") if isinstance(converted, bytes) else str(converted)
    table = list(csv.reader(io.StringIO(text), delimiter="\t" if fmt == "tsv" else ",",
                            quoting=csv.QUOTE_NONE if fmt == "tsv" else csv.QUOTE_MINIMAL))
    header, body = table[0], table[1:]
    names = [h.removeprefix("?") for h in header]
    rows = []
    for line in body:
        cells = dict(zip(names, line, strict=True))
        if fmt == "tsv":
            rows.append(tuple(_normal(_tsv_value(cells.get(v, ""))) for v in variables))
        else:   # CSV cannot tell an unbound variable from an empty string (SPARQL 1.1 CSV §2)
            rows.append(tuple(_normal(cells.get(v) or None) for v in variables))
    return sorted(rows, key=repr)


def check_sparqlwrapper(powkg: Server, reference: Server, texts: dict[str, list[str]],
                        timeout: float) -> dict[str, dict[str, str]]:
    """Every curated query, in every SPARQL results format, asked of powkg through SPARQLWrapper and compared
    row by row with `reference`'s JSON answer (values; blank nodes as blank nodes; CSV's empty cells as unbound)."""
    from SPARQLWrapper import SPARQLWrapper

    verdicts: dict[str, dict[str, str]] = {}
    for name, variants in texts.items():
        if name == "lookup-by-iri":
            continue
        try:
            answer = ALONE.get(reference.endpoint, params={"query": variants[0]},
                               headers={"Accept": JSON_RESULTS}, timeout=timeout)
            answer.raise_for_status()
        except httpx.HTTPError as exc:
            verdicts[name] = {"reference": f"no reference answer: {exc!r}"}
            continue
        variables = answer.json()["head"]["vars"]
        lists = concatenated(variants[0])
        expected = unordered(_rows_json(answer.json(), variables), variables, lists)
        verdicts[name] = {}
        for fmt in ("json", "xml", "csv", "tsv"):
            wrapper = SPARQLWrapper(powkg.endpoint)
            wrapper.setQuery(variants[0])
            wrapper.setReturnFormat(fmt)
            wrapper.setTimeout(int(timeout))
            try:
                got = unordered(_rows_sparqlwrapper(fmt, wrapper.queryAndConvert(), variables), variables, lists)
            except Exception as exc:     # any failure of the client is this format's verdict, not the run's
                verdicts[name][fmt] = f"FAILED: {type(exc).__name__}: {str(exc)[:120]}"
                continue
            if fmt == "csv":    # CSV drops datatypes and languages; compare what it keeps
                expected_here = sorted((tuple(v or None for v in row) for row in expected), key=repr)
            else:
                expected_here = expected
            verdicts[name][fmt] = (f"ok ({len(got)} rows)" if got == expected_here else
                                   f"DIFFERS: {len(got)} rows against {len(expected_here)}")
        print(f"  SPARQLWrapper {name:28} " + "  ".join(f"{k}: {v}" for k, v in verdicts[name].items()),
              file=sys.stderr)
    return verdicts


# -- the run ---------------------------------------------------------------------------------------
def default_work() -> Path:
    """Where graphs and stores are cached between runs: never in the repository."""
    cache = os.environ.get("POWKG_BENCH_CACHE")
    return (Path(cache) if cache else Path(tempfile.gettempdir()) / "powkg-bench") / "http"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--triples", type=int, default=0,
                        help="generate a graph of this many triples "
                             "(default: the bundled sample, built by the pipeline)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per server and query")
    parser.add_argument("--grace", type=float, default=20.0, help="seconds a request running at the end may still take")
    parser.add_argument("--concurrency", type=int, default=4, help="connections sending requests at once")
    parser.add_argument("--repeats", type=int, default=3,
                        help="windows per server and query; the report gives medians over them")
    parser.add_argument("--check-timeout", type=float, default=60.0,
                        help="seconds the one-off answer check may take per server and query "
                             "(at least --duration plus --grace)")
    parser.add_argument("--drain", type=float, default=60.0,
                        help="seconds a server may take to finish abandoned requests before it is restarted")
    parser.add_argument("--servers", default="powkg,oxigraph,rdflib", help="which servers, comma-separated")
    parser.add_argument("--queries", default="", help="only these queries, comma-separated")
    parser.add_argument("--no-sparqlwrapper", action="store_true",
                        help="skip the check of every curated query in every format through SPARQLWrapper")
    parser.add_argument("--work", type=Path, default=default_work(),
                        help="folder for the data and stores, kept and reused (default: $POWKG_BENCH_CACHE/http, "
                             "or powkg-bench/http in the temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--cache-bytes", type=int, default=0,
                        help="powkg's POWKG_CACHE_BYTES (default 0: every /id/ request does the whole work)")
    args = parser.parse_args()
    global POWKG_CACHE_BYTES
    POWKG_CACHE_BYTES = args.cache_bytes
    if args.client:
        client_main()
        return
    args.check_timeout = max(args.check_timeout, args.duration + args.grace)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    data = work / (f"generated-{args.triples}.nq" if args.triples else "sample.nq")
    if not data.exists():
        began = time.perf_counter()
        partial = data.with_suffix(".partial")
        count = generate(partial, args.triples) if args.triples else sample_quads(partial)
        partial.rename(data)
        print(f"graph: {count} quads in {data} ({time.perf_counter() - began:.1f} s)", file=sys.stderr)
    log = (work / "servers.log").open("ab")
    servers: dict[str, Server] = {}
    results: dict[str, dict[str, list[dict[str, object]]]] = {}
    checks: dict[str, object] = {}
    try:
        for key in args.servers.split(","):
            began = time.perf_counter()
            servers[key] = STARTERS[key](data, work, log)
            print(f"{servers[key].name}: loaded and answering in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        texts = workload(next(iter(servers.values())))
        if args.queries:
            texts = {k: v for k, v in texts.items() if k in args.queries.split(",")}
        if "powkg" in servers and not args.no_sparqlwrapper:
            reference = servers.get("oxigraph", servers["powkg"])
            checks["sparqlwrapper"] = check_sparqlwrapper(servers["powkg"], reference, texts, args.check_timeout)
        for query, variants in texts.items():
            single: dict[str, tuple[object, float | None]] = {}
            for key, server in servers.items():
                single[server.name] = one_answer(server, variants[0], args.check_timeout)
                _recover(servers, key, data, work, log, args)
            rows = {name: value[0] for name, value in single.items()}
            agree = _agreement(rows)
            checks.setdefault("rows", {})[query] = rows  # type: ignore[index]
            print(f"{query}: {agree}", file=sys.stderr)
            for repeat in range(args.repeats):
                for key, server in servers.items():
                    if single[server.name][1] is None:
                        # No answer to one request alone within --check-timeout (at least a window and its
                        # grace): it completes none in a window either. Counted so, without loading it again.
                        result = {"requests": 0, "elapsed": args.duration, "rps": 0.0, "p50_ms": None,
                                  "p99_ms": None, "statuses": {}, "unfinished": 1, "single_ms": None}
                        results.setdefault(query, {}).setdefault(server.name, []).append(result)
                        continue
                    result = measure(server.base, sparql_paths(server, variants), JSON_RESULTS, args)
                    result["single_ms"] = single[server.name][1]
                    results.setdefault(query, {}).setdefault(server.name, []).append(result)
                    print(f"  {server.name:16} #{repeat + 1} {_line(result)}", file=sys.stderr)
                    if result["unfinished"]:
                        _recover(servers, key, data, work, log, args)
        if "powkg" in servers:
            _powkg_routes(servers["powkg"], texts, results, args)
    finally:
        for server in servers.values():
            stop(server)
    report(results, checks, args)


def _agreement(rows: dict[str, object]) -> str:
    """Whether the servers that answered agree on the number of rows; who did not answer."""
    counts = {name: n for name, n in rows.items() if isinstance(n, int)}
    silent = {name: n for name, n in rows.items() if not isinstance(n, int)}
    agree = "same rows" if len(set(counts.values())) <= 1 else f"ROWS DIFFER {counts}"
    return agree + "".join(f"; {name}: {why}" for name, why in silent.items())


def _recover(servers: dict[str, Server], key: str, data: Path, work: Path, log, args: argparse.Namespace) -> None:  # type: ignore[no-untyped-def]
    """Restart a server still busy with abandoned requests, so it starts the next window idle
    (rdflib-endpoint evaluates queries one at a time on its event loop and cannot drop one)."""
    server = servers[key]
    if drained(server, args.drain):
        return
    print(f"  {server.name}: still busy after {args.drain:g} s; restarting it", file=sys.stderr)
    stop(server, wait=2)
    servers[key] = STARTERS[key](data, work, log)


def _powkg_routes(powkg: Server, texts: dict[str, list[str]], results: dict, args: argparse.Namespace) -> None:  # type: ignore[type-arg]
    """powkg's own routes for the same work: /id/ (Turtle, and the HTML page) for the lookups, /queries/ for a
    curated query."""
    exchanges = [t.split("<", 1)[1].split(">", 1)[0] for t in texts.get("lookup-by-iri", [])]
    routes = {}
    if exchanges:
        paths = ["/" + e.removeprefix(BASE) for e in exchanges]
        routes["lookup: /id/ as Turtle"] = (paths, "text/turtle")
        routes["lookup: /id/ as HTML"] = (paths, "text/html")
    if "exchanges-by-date" in texts:
        routes["exchanges-by-date: /queries route"] = (["/queries/exchanges-by-date"], JSON_RESULTS)
    for label, (paths, accept) in routes.items():
        single = _alone(powkg, paths[0], accept, args)
        for repeat in range(args.repeats):
            result = measure(powkg.base, paths, accept, args)
            result["single_ms"] = single
            results.setdefault(label, {}).setdefault("powkg", []).append(result)
            print(f"  powkg {label:34} #{repeat + 1} {_line(result)}", file=sys.stderr)


def _alone(server: Server, path: str, accept: str, args: argparse.Namespace) -> float | None:
    """Median milliseconds of five requests sent one after the other."""
    times = []
    for _ in range(5):
        began = time.perf_counter()
        try:
            ALONE.get(server.base + path, headers={"Accept": accept}, timeout=args.check_timeout)
        except httpx.TimeoutException:
            return None
        times.append(1000 * (time.perf_counter() - began))
    return statistics.median(times)


def _line(result: dict[str, object]) -> str:
    p50, p99 = result["p50_ms"], result["p99_ms"]
    timing = f"p50 {p50:8.1f} ms  p99 {p99:8.1f} ms" if p50 is not None else "no request finished"
    bad = {k: v for k, v in result["statuses"].items() if str(k) != "200"}  # type: ignore[union-attr]
    return (f"{result['rps']:9.1f} req/s  {timing}  ({result['requests']} requests"
            + (f", statuses {bad}" if bad else "")
            + (f", {result['unfinished']} unfinished" if result["unfinished"] else "")
            + ")")




# -- the report -------------------------------------------------------------------------------------
CURATED_BARS = {"rdflib-endpoint": 10.0, "oxigraph": 0.5}      # powkg's throughput over the curated queries, at least
LOOKUP_BAR_MS = 20.0                                            # median latency of /id/, at most


@dataclass
class Ratio:
    value: float
    bound: str = ""          # "≥" when the other server completed nothing, "≤" when powkg did not

    def __str__(self) -> str:
        return f"{self.bound}{self.value:.2f}x"


def window_ratio(ours: dict[str, object], theirs: dict[str, object]) -> Ratio | None:
    """powkg's throughput over the other's in one window. A side that completed nothing is counted as one
    request in its window: the ratio is then a bound (≥ or ≤); both at nothing: no ratio."""
    done_ours, done_theirs = int(ours["requests"]), int(theirs["requests"])  # type: ignore[call-overload]
    if not done_ours and not done_theirs:
        return None
    rate_ours = done_ours / float(ours["elapsed"]) if done_ours else 1 / float(ours["elapsed"])  # type: ignore[arg-type]
    rate_theirs = (done_theirs / float(theirs["elapsed"]) if done_theirs  # type: ignore[arg-type]
                   else 1 / float(theirs["elapsed"]))  # type: ignore[arg-type]
    return Ratio(rate_ours / rate_theirs, "≥" if not done_theirs else "≤" if not done_ours else "")


def median_ratio(ours: list[dict[str, object]], theirs: list[dict[str, object]]) -> Ratio | None:
    """The median over repeats of the ratios of windows run back to back (the same load on the machine)."""
    ratios = [r for r in (window_ratio(a, b) for a, b in zip(ours, theirs, strict=False)) if r is not None]
    if not ratios:
        return None
    middle = sorted(ratios, key=lambda r: r.value)[len(ratios) // 2] if len(ratios) % 2 else None
    value = middle.value if middle else statistics.median(r.value for r in ratios)
    bounds = {r.bound for r in ratios} - {""}
    return Ratio(value, bounds.pop() if len(bounds) == 1 else "")


def summary(runs: list[dict[str, object]]) -> dict[str, object]:
    """Medians over repeats; time-outs and error answers summed."""
    def med(key: str) -> float | None:
        values = [float(r[key]) for r in runs if r.get(key) is not None]  # type: ignore[arg-type]
        return statistics.median(values) if values else None
    errors = sum(v for r in runs for k, v in r["statuses"].items() if str(k) != "200")  # type: ignore[union-attr]
    return {"rps": med("rps"), "p50_ms": med("p50_ms"), "p99_ms": med("p99_ms"), "single_ms": runs[0].get("single_ms"),
            "completed": [r["requests"] for r in runs], "timeouts": sum(int(r["unfinished"]) for r in runs),  # type: ignore[call-overload]
            "errors": errors}


def geometric(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def report(results: dict[str, dict[str, list[dict[str, object]]]], checks: dict[str, object],
           args: argparse.Namespace) -> None:
    print(f"\n{'query':36} {'server':16} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'alone ms':>9} "
          f"{'completed per window':>22} {'time-outs':>9}   powkg/x")
    ratios: dict[str, dict[str, Ratio]] = {}
    for query, by_server in results.items():
        ours = by_server.get("powkg")
        for name, runs in by_server.items():
            row = summary(runs)
            ratio = median_ratio(ours, runs) if ours and name != "powkg" else None
            if ratio is not None:
                ratios.setdefault(name, {})[query] = ratio
            cells = [f"{row[k]:9.1f}" if isinstance(row[k], float) else f"{'-':>9}"
                     for k in ("p50_ms", "p99_ms", "single_ms")]
            completed = ",".join(map(str, row["completed"]))  # type: ignore[call-overload]
            faults = f"{row['timeouts']}" + (f" +{row['errors']} err" if row["errors"] else "")
            shown = "" if name == "powkg" else str(ratio) if ratio else "(neither completed any)"
            print(f"{query:36} {name:16} {float(row['rps']):9.2f} {' '.join(cells)} {completed:>22} "  # type: ignore[arg-type]
                  f"{faults:>9}   {shown}")
    curated = [q for q in results if q in _curated_names()]
    print("\nVerdicts (medians over repeats; ratios of windows run back to back; a server that completed no"
          " request of a query in a window has throughput 0 there, counted as 1 request for the ratio,"
          " which makes it a bound):")
    for name, bar in CURATED_BARS.items():
        per_query = ratios.get(name, {})
        values = [per_query[q] for q in curated if q in per_query]
        missing = [q for q in curated if q not in per_query]
        if not values:
            print(f"  powkg >= {bar:g}x {name} over the curated queries: not measured")
            continue
        mean = geometric([r.value for r in values])
        bound = "≥" if any(r.bound == "≥" for r in values) and not any(r.bound == "≤" for r in values) else ""
        totals = _mix(results, name, curated)
        verdict = "MET" if mean >= bar else "NOT MET"
        print(f"  powkg >= {bar:g}x {name} over {len(values)} curated queries: geometric mean {bound}{mean:.2f}x "
              f"(min {min(values, key=lambda r: r.value)}, max {max(values, key=lambda r: r.value)}); "
              f"completed requests over the mix {totals}: {verdict}"
              + (f"; left out (neither completed any): {', '.join(missing)}" if missing else ""))
    for label in ("lookup: /id/ as Turtle", "lookup: /id/ as HTML"):
        runs = results.get(label, {}).get("powkg")
        if runs:
            row = summary(runs)
            p50 = row["p50_ms"]
            verdict = "MET" if p50 is not None and p50 < LOOKUP_BAR_MS else "NOT MET"  # type: ignore[operator]
            print(f"  {label} median latency < {LOOKUP_BAR_MS:g} ms: {p50 if p50 is None else round(p50, 1)} ms "
                  f"under {args.concurrency} connections ({row['single_ms']:.1f} ms alone): {verdict}")
    wrapper = checks.get("sparqlwrapper")
    if isinstance(wrapper, dict):
        answers = {f"{q}/{f}": v for q, formats in wrapper.items() for f, v in formats.items() if f != "reference"}
        bad = {k: v for k, v in answers.items() if not v.startswith("ok")}
        unchecked = [q for q, formats in wrapper.items() if "reference" in formats]
        print("  every curated query in every results format through SPARQLWrapper: "
              + ("MET" if not bad and not unchecked else "NOT MET" if bad else "not shown")
              + f" ({len(answers) - len(bad)} of {len(answers)} answers equal to the reference's"
              + (f"; wrong: {bad}" if bad else "")
              + (f"; not compared, the reference gave no answer: {', '.join(unchecked)}" if unchecked else "") + ")")
    rows = checks.get("rows", {})
    differ = {q: r for q, r in rows.items() if _agreement(r).startswith("ROWS DIFFER")}  # type: ignore[union-attr]
    print("  same number of rows from every server that answered: " + ("yes" if not differ else f"NO: {differ}"))
    print(f"(load: {args.concurrency} connections for {args.duration:g} s per window, {args.grace:g} s grace, "
          f"{args.repeats} windows per server and query; {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          f"{'generated ' + str(args.triples) + ' triples' if args.triples else 'bundled sample'}; "
          f"{time.strftime('%Y-%m-%d %H:%M')})")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "checks": checks}, indent=2, default=str),
                             encoding="utf-8")


def _curated_names() -> set[str]:
    return {path.stem for path in (REPO / "queries").glob("*.rq")}


def _mix(results: dict[str, dict[str, list[dict[str, object]]]], name: str, queries: list[str]) -> str:
    """powkg's completed requests over the other's, summed over the same queries and windows."""
    ours = sum(int(r["requests"]) for q in queries for r in results[q].get("powkg", []))  # type: ignore[call-overload]
    theirs = sum(int(r["requests"]) for q in queries for r in results[q].get(name, []))  # type: ignore[call-overload]
    return f"{ours} against {theirs}" + (f" ({ours / theirs:.2f}x)" if theirs else "")


if __name__ == "__main__":
    main()
