"""The remote store beyond the contract: descriptors, bulk loads, credentials, slow servers, and a
server stopped in the middle of a build."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import PROV

from http_server import FIXTURE, load_trig, running, test_settings, wait_for_health
from paths import REPO, SAMPLE
from powkg.api import create_app
from powkg.errors import ConfigError, PowkgError, QueryError, QueryTimeout, StoreError
from powkg.pipeline import build
from powkg.settings import load_settings
from powkg.store import open_store, remote
from powkg.store.remote import Credentials, Endpoints, RemoteStore
from powkg.store.wire import GENID, batches, skolemise
from servers import NO_VIRTUOSO, VIRTUOSO, OxigraphServer, VirtuosoServer
from test_api_queries import EXPECTED, as_table

EX = "https://example.org/"
G1 = EX + "graph/article/one"
SECRET = "pa55-Very-Secret"


def graph_of(text: bytes) -> Graph:
    return Graph().parse(data=text.decode(), format="nt")


def ntriples(*values: int) -> bytes:
    return b"".join(f'<{EX}exchange> <{EX}total> "{v}"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'.encode()
                    for v in values)


# -- descriptors ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("descriptor", "query", "update", "store", "auth"), [
    ("sparql+http://127.0.0.1:7878/query",
     "http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update", "http://127.0.0.1:7878/store", "basic"),
    ("sparql+http://db:8890/sparql",
     "http://db:8890/sparql", "http://db:8890/sparql", "http://db:8890/sparql-graph-crud", "basic"),
    ("sparql+https://db/sparql-auth?auth=digest",
     "https://db/sparql-auth", "https://db/sparql-auth", "https://db/sparql-graph-crud-auth", "digest"),
    ("sparql+http://db:8890/sparql?update=sparql-auth&store=sparql-graph-crud-auth&auth=digest",
     "http://db:8890/sparql", "http://db:8890/sparql-auth", "http://db:8890/sparql-graph-crud-auth", "digest"),
    ("sparql+http://fuseki:3030/ds/query?store=data",
     "http://fuseki:3030/ds/query", "http://fuseki:3030/ds/update", "http://fuseki:3030/ds/data", "basic"),
    ("sparql+https://graphdb/repositories/pow?update=/repositories/pow/statements",
     "https://graphdb/repositories/pow", "https://graphdb/repositories/pow/statements", None, "basic"),
    ("sparql+http://db:8890/sparql?store=none",
     "http://db:8890/sparql", "http://db:8890/sparql", None, "basic"),
    ("sparql+http://h/base/?query=q&update=https://other/u",
     "http://h/base/q", "https://other/u", None, "basic"),
], ids=["oxigraph", "virtuoso", "virtuoso-auth", "virtuoso-mixed", "fuseki", "graphdb", "update-only", "given"])
def test_descriptor_gives_the_endpoints(descriptor, query, update, store, auth):
    endpoints = Endpoints.parse(descriptor)
    assert (endpoints.query, endpoints.update, endpoints.store, endpoints.auth) == (query, update, store, auth)


@pytest.mark.parametrize(("descriptor", "load"), [
    ("sparql+http://127.0.0.1:7878/query", (("no_transaction", ""),)),
    ("sparql+http://127.0.0.1:7878/query?load=", ()),
    ("sparql+http://fuseki:3030/ds/query?store=data", ()),
    ("sparql+http://db:8890/sparql", ()),
    ("sparql+http://h/sparql?load=bulk%3D1%26quiet", (("bulk", "1"), ("quiet", ""))),
], ids=["oxigraph", "oxigraph-without", "given-store", "virtuoso", "given"])
def test_bulk_loads_get_the_layouts_load_parameters(descriptor, load):
    assert Endpoints.parse(descriptor).load == load


@pytest.mark.parametrize(("descriptor", "message"), [
    ("sparql+ftp://host/sparql", "expected sparql\\+http://HOST:PORT/PATH"),
    ("sparql+http:///sparql", "no host"),
    ("sparql+http://host/sparql?colour=red", "unknown parameter colour; known: query, update, store"),
    ("sparql+http://host/sparql?auth=kerberos", "auth='kerberos'; choose one of: basic, digest"),
    (f"sparql+http://powkg:{SECRET}@host/sparql", "credentials never go in the descriptor; set POWKG_STORE_USER"),
], ids=["scheme", "host", "parameter", "auth", "userinfo"])
def test_bad_descriptor_says_what_is_wrong(descriptor, message):
    with pytest.raises(ConfigError, match=message) as caught:
        open_store(descriptor)
    assert SECRET not in str(caught.value)


def test_open_store_knows_the_remote_descriptor():
    with pytest.raises(ConfigError, match="or sparql\\+http://HOST:PORT/PATH"):
        open_store("postgres://nowhere")
    store = open_store("sparql+http://127.0.0.1:9/query")
    assert isinstance(store, RemoteStore)
    store.close()


def test_settings_give_the_remote_store_its_credentials_and_timeout():
    settings = load_settings({"store": "sparql+http://127.0.0.1:9/query", "store_timeout": "2.5"},
                             environ={"POWKG_STORE_USER": "powkg", "POWKG_STORE_PASSWORD": SECRET})
    store = open_store(settings.store, settings=settings)
    assert isinstance(store, RemoteStore)
    assert store.timeout == 2.5
    assert SECRET not in repr(store) and SECRET not in repr(settings) and SECRET not in repr(store.__dict__)
    store.close()


def test_credentials_are_a_user_and_password_or_a_token():
    with pytest.raises(ConfigError, match="POWKG_STORE_TOKEN and POWKG_STORE_USER are both set"):
        Credentials(user="powkg", password=SECRET, token=SECRET)
    with pytest.raises(ConfigError, match="POWKG_STORE_PASSWORD is set but POWKG_STORE_USER is not"):
        Credentials(password=SECRET)
    assert SECRET not in repr(Credentials(user="powkg", password=SECRET))


# -- bulk loads, against every store --------------------------------------------------------------------
def test_bulk_load_replaces_the_graph_from_chunks_cut_anywhere(store):
    store.replace_graph(G1, Graph())
    store.bulk_load(G1, [ntriples(9)])
    text = ntriples(1, 2, 3)
    store.bulk_load(G1, [text[:10], text[10:70], text[70:]])
    answer = store.query(f"SELECT ?v WHERE {{ ?s <{EX}total> ?v }} ORDER BY ?v")
    assert [int(row["v"]) for row in answer.rows] == [1, 2, 3]
    assert store.graph_names() == [G1]


def test_bulk_load_of_nothing_leaves_no_graph(store):
    store.bulk_load(G1, [ntriples(1)])
    store.bulk_load(G1, [])
    assert store.graph_names() == []


@pytest.mark.parametrize("fixture", ["oxigraph_server", "virtuoso_server"], ids=["oxigraph-server", "virtuoso"])
def test_bulk_load_in_many_batches(fixture, request, monkeypatch):
    server = request.getfixturevalue(fixture)
    server.clear()
    monkeypatch.setattr(remote, "FIRST_BATCH", 200)     # batches from 200 bytes up (one POST in flight)
    store = server.open()
    store.batch_bytes = 1_000
    # A blank node stated in the first batch and again in the last is one node, in the graph and the union.
    node = f'_:n <{EX}total> "first" .\n'.encode()
    try:
        store.bulk_load(G1, [node, *(ntriples(v) for v in range(500)), node.replace(b"first", b"last")])
        answer = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}total> ?v }}")
        assert int(answer.rows[0]["n"]) == 502
        both = f'SELECT ?s WHERE {{ ?s <{EX}total> "first", "last" }}'
        assert [type(row["s"]) for row in store.query(both).rows] == [BNode]
        assert [type(row["s"]) for row in store.query(both, default_graphs=[G1]).rows] == [BNode]
    finally:
        store.close()


def test_batches_grow_from_the_first_size_to_the_batch_size():
    lines = [b"<a> <b> <c> .\n" * 10] * 20            # 140-byte chunks, 2,800 bytes
    assert [len(b) for b in batches(lines, 1_000, first=200)] == [280, 420, 840, 1_120, 140]
    assert [len(b) for b in batches(lines, 1_000)] == [1_120, 1_120, 560]
    assert b"".join(batches(lines, 1_000, first=200)) == b"".join(lines)


def test_a_bulk_loaded_triple_stated_elsewhere_is_answered_once(store):
    store.bulk_load(G1, [ntriples(1, 2)])
    store.replace_graph(EX + "graph/article/two", graph_of(ntriples(2, 3)))
    answer = store.query(f"SELECT ?v WHERE {{ ?s <{EX}total> ?v }} ORDER BY ?v")
    assert [int(row["v"]) for row in answer.rows] == [1, 2, 3]


def test_a_triple_stated_before_a_bulk_load_is_answered_once_and_outlives_it(store):
    store.replace_graph(EX + "graph/article/two", graph_of(ntriples(2, 3)))
    store.bulk_load(G1, [ntriples(1), ntriples(2)])
    query = f"SELECT ?v WHERE {{ ?s <{EX}total> ?v }} ORDER BY ?v"
    assert [int(row["v"]) for row in store.query(query).rows] == [1, 2, 3]
    store.drop_graph(G1)
    assert [int(row["v"]) for row in store.query(query).rows] == [2, 3]


def test_a_bulk_loaded_quarantine_graph_stays_out_of_the_default_graph(store):
    quarantine = EX + "graph/quarantine/bad"
    store.bulk_load(quarantine, [ntriples(7)])
    assert store.query(f"ASK {{ ?s <{EX}total> ?v }}").boolean is False
    assert store.graph_names() == [quarantine]
    assert len(store.graph(quarantine)) == 1


@pytest.mark.parametrize(("descriptor", "posts", "union_by_add"), [
    ("sparql+http://127.0.0.1:7878/query", 4, False),
    ("sparql+http://db:8890/sparql", 1, True),
    ("sparql+http://db:8890/sparql?update=sparql-auth&store=sparql-graph-crud-auth", 1, True),
    ("sparql+http://fuseki:3030/ds/query?store=data", 2, False),
], ids=["oxigraph", "virtuoso", "virtuoso-given-store", "given-store"])
def test_the_graph_store_endpoint_says_how_bulk_loads_fill_the_union(descriptor, posts, union_by_add):
    endpoints = Endpoints.parse(descriptor)
    assert (endpoints.posts, endpoints.union_by_add) == (posts, union_by_add)


BLANK = b"<" + GENID.encode() + b"s-"


@pytest.mark.parametrize(("text", "expected"), [
    (b"_:a <p> _:b .\n", BLANK + b"a> <p> " + BLANK + b"b> .\n"),
    (b"_:e\t<p>\t_:f\t.\r\n", BLANK + b"e>\t<p>\t" + BLANK + b"f>\t.\r\n"),
    (b"<s> <p> _:g.h.\n", b"<s> <p> " + BLANK + b"g.h>.\n"),
    (b"<s> <p> _:k-1 .", b"<s> <p> " + BLANK + b"k-1> ."),
    (b'<s> <p> "x _:c ." .\n', b'<s> <p> "x _:c ." .\n'),
    (b'<s> <p> "_:d" .\n<s> <p> "a"@en . # _:z\n', b'<s> <p> "_:d" .\n<s> <p> "a"@en . # _:z\n'),
    (b"<s> <p> <o> .\n", b"<s> <p> <o> .\n"),
], ids=["subject-object", "tabs-crlf", "dot-after-label", "no-newline", "in-literal", "literal-comment", "none"])
def test_skolemise_rewrites_blank_nodes_as_subject_or_object_only(text, expected):
    assert skolemise(text, "s") == expected


# -- blank nodes and updates, against every store ---------------------------------------------------------
def test_blank_nodes_come_back_as_blank_nodes(store):
    graph = graph_of(f'<{EX}e> <{EX}selector> _:s .\n_:s <{EX}start> "5" .\n_:s <{EX}end> "9" .\n'.encode())
    store.replace_graph(G1, graph)
    assert isomorphic(store.graph(G1), graph)
    # Tested in FILTERs: Virtuoso answers a projected (isBlank(?s) AS ?b) as 1, an integer, not true.
    select = f"SELECT ?s WHERE {{{{ <{EX}e> <{EX}selector> ?s FILTER({{}}) }}}}"
    assert [type(row["s"]) for row in store.query(select.format("isBlank(?s)")).rows] == [BNode]
    assert store.query(select.format("isIRI(?s) || isURI(?s)")).rows == ()
    assert store.query(f"ASK {{ <{EX}e> <{EX}selector> [ <{EX}start> \"5\" ; <{EX}end> \"9\" ] }}").boolean


def test_an_update_is_seen_in_graph_names_and_the_default_graph(store):
    store.update(f'INSERT DATA {{ GRAPH <{G1}> {{ <{EX}exchange> <{EX}total> 4 }} }}')
    assert store.graph_names() == [G1]
    assert [int(r["v"]) for r in store.query(f"SELECT ?v WHERE {{ ?s <{EX}total> ?v }}").rows] == [4]
    store.update(f"DROP SILENT GRAPH <{G1}>")   # Virtuoso: DROP GRAPH fails on a graph never CREATEd
    assert store.graph_names() == []
    assert store.query(f"ASK {{ ?s <{EX}total> ?v }}").boolean is False


@pytest.mark.parametrize("update", ["DROP ALL", "CLEAR SILENT NAMED", "drop default"])
def test_a_remote_store_never_drops_everything(oxigraph_server, update):
    store = oxigraph_server.open()
    try:
        with pytest.raises(QueryError, match="drops and clears graphs by name only"):
            store.update(update)
    finally:
        store.close()


# -- a server of our own: slow, or asking for credentials --------------------------------------------
@dataclass
class FakeServer:
    """A tiny SPARQL server on loopback: answers every query with no rows, every write with 204."""

    delay: float = 0.0
    status: int = 200
    seen: list[dict[str, str]] = field(default_factory=list)
    url: str = ""


@contextmanager
def fake_server(**options: object) -> Iterator[FakeServer]:
    fake = FakeServer(**options)  # type: ignore[arg-type]

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            fake.seen.append({"method": self.command, "path": self.path, **dict(self.headers.items())})
            time.sleep(fake.delay)
            if fake.status != 200:
                self.send_response(fake.status)
                self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path.startswith("/query"):
                body = json.dumps({"head": {"vars": ["g"]}, "results": {"bindings": []}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self.send_response(204)
            self.end_headers()

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
            pass   # a client that gave up (the timeout tests) closes the connection mid-answer

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def one_triple() -> Graph:
    graph = Graph()
    graph.add((URIRef(EX + "exchange"), URIRef(EX + "total"), Literal(1)))
    return graph


def test_a_slow_server_gives_a_timeout_naming_the_server_and_the_query():
    with fake_server(delay=2.0) as fake:
        store = RemoteStore(f"sparql+{fake.url}/query", timeout=0.3)
        try:
            with pytest.raises(QueryTimeout) as caught:
                store.query(f"SELECT ?v WHERE {{ ?s <{EX}total> ?v }}", default_graphs=[G1])
        finally:
            store.close()
    message = str(caught.value)
    assert f"the SPARQL store at {fake.url}/query did not answer within 0.3 s (POWKG_STORE_TIMEOUT)" in message
    assert f"running the query 'SELECT ?v WHERE {{ ?s <{EX}total> ?v }}'" in message


def test_a_slow_server_gives_a_timeout_naming_the_graph_being_written():
    with fake_server(delay=2.0) as fake:
        store = RemoteStore(f"sparql+{fake.url}/query", timeout=0.3)
        try:
            with pytest.raises(StoreError) as caught:
                store.replace_graph(G1, one_triple())
        finally:
            store.close()
    assert f"the SPARQL store at {fake.url}/update did not answer within 0.3 s" in str(caught.value)
    assert f"graph <{G1}>" in str(caught.value)


def test_a_curated_query_is_named_by_its_title():
    with fake_server(delay=2.0) as fake:
        store = RemoteStore(f"sparql+{fake.url}/query", timeout=0.3)
        try:
            with pytest.raises(QueryTimeout, match="running the query 'Exchanges by date'"):
                store.query((REPO / "queries" / "exchanges-by-date.rq").read_text(), default_graphs=[G1])
        finally:
            store.close()


@pytest.mark.parametrize(("credentials", "expected"), [
    (Credentials(user="powkg", password=SECRET),
     "Basic " + base64.b64encode(f"powkg:{SECRET}".encode()).decode()),
    (Credentials(token=SECRET), f"Bearer {SECRET}"),
], ids=["basic", "bearer"])
def test_credentials_are_sent_with_every_request(credentials, expected):
    with fake_server() as fake:
        store = RemoteStore(f"sparql+{fake.url}/query", credentials=credentials)
        try:
            store.replace_graph(G1, one_triple())
            store.bulk_load(G1, [ntriples(1)])
            store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            store.drop_graph(G1)
        finally:
            store.close()
    assert {(r["method"], r["path"].split("?")[0]) for r in fake.seen} == {
        ("POST", "/update"), ("POST", "/store"), ("POST", "/query")}
    assert {r.get("Authorization") for r in fake.seen} == {expected}


@pytest.mark.parametrize("credentials", [Credentials(user="powkg", password=SECRET), Credentials(token=SECRET)],
                         ids=["basic", "bearer"])
def test_refused_credentials_are_named_but_never_printed(credentials):
    with fake_server(status=401) as fake:
        store = RemoteStore(f"sparql+{fake.url}/query", credentials=credentials)
        errors: list[PowkgError] = []
        for attempt in (lambda: store.replace_graph(G1, one_triple()), lambda: store.query("ASK {}"),
                        store.graph_names):
            with pytest.raises(StoreError, match=r"refused access \(HTTP 401\)") as caught:
                attempt()
            errors.append(caught.value)
        store.close()
    for error in errors:
        printed = "".join(traceback.format_exception(error))
        assert SECRET not in printed
        assert fake.url in str(error)


def test_the_cli_never_prints_the_password(tmp_path):
    with fake_server(status=401) as fake:
        done = run_cli(["--store", f"sparql+{fake.url}/query", "query", "exchanges-by-date"],
                       {"POWKG_STORE_USER": "powkg", "POWKG_STORE_PASSWORD": SECRET}, cwd=tmp_path)
    assert done.returncode == 2
    assert f"powkg: error: the SPARQL store at {fake.url}/query refused access (HTTP 401)" in done.stderr
    assert "as user 'powkg' (POWKG_STORE_USER, basic auth)" in done.stderr   # the CLI passes the credentials on
    assert SECRET not in done.stdout + done.stderr


def test_an_update_is_not_a_query():
    store = RemoteStore("sparql+http://127.0.0.1:9/query")
    try:
        with pytest.raises(PowkgError, match="an update was given where a query was expected"):
            store.query("DROP ALL")
    finally:
        store.close()


def test_a_server_that_is_not_there_is_named():
    store = RemoteStore("sparql+http://127.0.0.1:9/query", timeout=2)
    try:
        with pytest.raises(StoreError, match="cannot reach the SPARQL store at http://127.0.0.1:9/query when "
                                             "listing powkg's graphs"):
            store.graph_names()
    finally:
        store.close()


# -- a server stopped in the middle of a build ----------------------------------------------------------
def run_cli(args: list[str], environ: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POWKG_")}
    env.update(environ)
    return subprocess.run([sys.executable, "-m", "powkg.cli", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def reference(project) -> tuple[dict[str, Graph], bool]:
    """Every graph of the sample as the embedded store holds it after a build, and whether it conforms."""
    store = open_store("memory:")
    try:
        result = build([SAMPLE], store, project)
        return {name: store.graph(name) for name in store.graph_names()}, result.report.conforms
    finally:
        store.close()


SERVER_KINDS = ["oxigraph-server", "virtuoso"]


def start_server(kind: str, folder: Path, **options: object):  # type: ignore[no-untyped-def]
    if kind == "virtuoso":
        if VIRTUOSO is None:
            pytest.skip(NO_VIRTUOSO)
        return VirtuosoServer(folder, **options).start()  # type: ignore[arg-type]
    return OxigraphServer(folder).start()


class Difference:
    """Two graphs compared but the time of extraction (prov:generatedAtTime, which differs per build);
    true when they differ, and shown as a few triples of each side."""

    def __init__(self, built: Graph, reference: Graph) -> None:
        def timeless(graph: Graph) -> Graph:
            kept = Graph()
            for triple in graph.triples((None, None, None)):
                if triple[1] != PROV.generatedAtTime:
                    kept.add(triple)
            return kept

        _, self.built_only, self.reference_only = graph_diff(to_isomorphic(timeless(built)),
                                                             to_isomorphic(timeless(reference)))

    def __bool__(self) -> bool:
        return bool(len(self.built_only) or len(self.reference_only))

    def __repr__(self) -> str:
        def some(graph: Graph) -> str:
            return "; ".join(" ".join(term.n3() for term in triple) for triple in sorted(graph)[:4])

        return (f"{len(self.built_only)} triples only in the build ({some(self.built_only)}), "
                f"{len(self.reference_only)} only in the reference ({some(self.reference_only)})")


def assert_nothing_is_half_written(server, reference_graphs: dict[str, Graph]) -> None:  # type: ignore[no-untyped-def]
    """Every article graph on the server is whole, and the union holds exactly the served graphs."""
    store = server.open()
    try:
        for name in sorted(server.graphs() - server.own_graphs):
            if "/graph/article/" in name:
                difference = Difference(store.graph(name), reference_graphs[name])
                assert not difference, f"{name} is half-written: {difference!r}"
        served = Graph()
        for name in store.graph_names():
            if "/graph/quarantine/" not in name:
                for triple in store.graph(name):
                    served.add(triple)
        union = store.query("CONSTRUCT WHERE { ?s ?p ?o }").graph
        assert union is not None and set(union) == set(served), "the union does not match the served graphs"
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.parametrize("kind", SERVER_KINDS)
def test_a_server_stopped_mid_build_leaves_whole_graphs_and_a_rerun_completes(kind, project, reference, tmp_path):
    reference_graphs, conforms = reference
    server = start_server(kind, tmp_path / kind)
    try:
        stored = 0

        def stop_the_server_soon(outcome) -> None:  # type: ignore[no-untyped-def]
            nonlocal stored
            stored += outcome.status == "stored"
            if stored == 4:  # a little later, in the middle of whatever request is running then
                threading.Timer(0.02, server.kill).start()

        store = server.open()
        try:
            with pytest.raises(StoreError, match=r"the SPARQL store at http://127\.0\.0\.1:\d+/") as caught:
                build([SAMPLE], store, project, progress=stop_the_server_soon)
        finally:
            store.close()
        assert caught.value.__cause__ is not None     # the transport's own error is kept as the cause
        server.start()
        assert_nothing_is_half_written(server, reference_graphs)
        store = server.open()
        try:
            result = build([SAMPLE], store, project)
            assert store.graph_names() == sorted(reference_graphs)
            for name, graph in reference_graphs.items():
                difference = Difference(store.graph(name), graph)
                assert not difference, f"{name}: {difference!r}"
            assert result.report.conforms == conforms
        finally:
            store.close()
        assert_nothing_is_half_written(server, reference_graphs)
    finally:
        server.stop()


@pytest.mark.slow
def test_the_cli_exits_2_when_the_server_stops_mid_build_and_a_rerun_completes(reference, tmp_path):
    reference_graphs, _ = reference
    server = start_server("oxigraph-server", tmp_path / "oxigraph")
    try:
        command = [sys.executable, "-m", "powkg.cli", "build", str(SAMPLE)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("POWKG_")}
        env["POWKG_STORE"] = server.descriptor
        with subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
                              cwd=tmp_path) as process:
            assert process.stderr is not None
            lines = []
            for line in process.stderr:
                lines.append(line)
                if sum(entry.startswith("stored") for entry in lines) == 3:
                    server.kill()
            process.wait(timeout=300)
        output = "".join(lines)
        assert process.returncode == 2, output
        assert f"powkg: error: cannot reach the SPARQL store at http://127.0.0.1:{server.port}/" in output \
            or f"powkg: error: the SPARQL store at http://127.0.0.1:{server.port}/" in output, output
        server.start()
        assert_nothing_is_half_written(server, reference_graphs)
        rerun = run_cli(["build", str(SAMPLE)], {"POWKG_STORE": server.descriptor}, cwd=tmp_path)
        assert rerun.returncode in (0, 1), rerun.stderr
        assert f"store: {server.descriptor}" in rerun.stdout
        store = server.open()
        try:
            assert store.graph_names() == sorted(reference_graphs)
        finally:
            store.close()
    finally:
        server.stop()


# -- the HTTP layer over every store ----------------------------------------------------------------------
LINKED_DATA = ["/id/exchange/2024-12-30", "/graph/article/aaaa000000000001", "/ontology"]


@pytest.fixture(scope="module")
def embedded_app_answers() -> dict[str, object]:
    """What the HTTP layer answers over the embedded store, to hold the remote stores to."""
    store = open_store("memory:")
    load_trig(store, FIXTURE)
    try:
        with running(create_app(test_settings(), store)) as url:
            return http_answers(url)
    finally:
        store.close()


def http_answers(url: str) -> dict[str, object]:
    answers: dict[str, object] = {}
    with httpx.Client(base_url=url, timeout=60) as client:
        for name, (params, _) in EXPECTED.items():
            answers[name] = as_table(client.get(f"/queries/{name}", params=params).json())
        for path in LINKED_DATA:
            answer = client.get(path, headers={"Accept": "application/n-triples"})
            answers[path] = (answer.status_code, Graph().parse(data=answer.text, format="nt"))
        answer = client.get("/export", params={"format": "nquads"})
        answers["/export"] = sorted(re.sub(r"_:\S+", "_:b", line) for line in answer.text.splitlines())
    return answers


def test_the_http_layer_answers_the_same_from_every_store(store, embedded_app_answers):
    load_trig(store, FIXTURE)
    with running(create_app(test_settings(), store)) as url:
        answers = http_answers(url)
    for key, expected in embedded_app_answers.items():
        if key in LINKED_DATA:
            (status, graph), (expected_status, expected_graph) = answers[key], expected  # type: ignore[misc]
            assert status == expected_status == 200 and isomorphic(graph, expected_graph), key
        else:
            assert answers[key] == expected, key


# -- `powkg serve` over a remote store, against the same over the embedded store ------------------------------
SPARQL_SELECT = ("PREFIX pow: <https://w3id.org/powkg/ontology#> SELECT ?exchange ?date ?total WHERE { "
                 "?exchange a pow:Exchange OPTIONAL { ?exchange pow:date ?date } "
                 "OPTIONAL { ?exchange pow:returnedToUkraine ?total } }")
SPARQL_CONSTRUCT = ("PREFIX pow: <https://w3id.org/powkg/ontology#> CONSTRUCT { ?c pow:count ?n ; pow:partOf ?p } "
                    "WHERE { ?c pow:count ?n OPTIONAL { ?c pow:partOf ?p } }")
SPARQL_ASK = ("ASK { ?s <https://w3id.org/powkg/ontology#date> ?d "
              "FILTER(datatype(?d) = <http://www.w3.org/2001/XMLSchema#gMonthDay>) }")
SAMPLE_PAGES = ["/id/exchange/2022-09-21", "/id/place/azovstal", "/ontology"]


@contextmanager
def powkg_serve(store: str, environ: dict[str, str], cwd: Path) -> Iterator[str]:
    """``powkg serve`` (uvicorn) over ``store`` on a free loopback port; its base URL until stopped."""
    from servers import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("POWKG_")}
    env.update(environ)
    process = subprocess.Popen([sys.executable, "-m", "powkg.cli", "--store", store, "serve", "--port", str(port)],
                               cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, 120, lambda: None if process.poll() is None else process.communicate()[1])
        yield url
    finally:
        process.terminate()
        process.communicate(timeout=30)


def canonical_lines(text: str) -> list[str]:
    """Answer lines in a canonical order, blank-node labels made one, a GROUP_CONCAT's parts sorted."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"_:[A-Za-z0-9_.-]+|nodeID://\S+", "_:b", line)
        for separator in (" / ", ", "):      # the queries' GROUP_CONCAT separators
            line = re.sub(f'"([^"]*{separator}[^"]*)"',
                          lambda m, s=separator: '"' + s.join(sorted(m.group(1).split(s))) + '"', line)
        lines.append(line)
    return sorted(lines)


def served_answers(url: str) -> dict[str, object]:
    """What a powkg server answers: curated queries, the SPARQL endpoint in every results format,
    linked-data pages, an export and the validation report, each in a canonical form."""
    from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper

    from test_store_equivalence import QUERIES, bindings

    answers: dict[str, object] = {}
    with httpx.Client(base_url=url, timeout=120) as client:
        for name in sorted(QUERIES):
            for values in bindings(name):
                answer = client.get(f"/queries/{name}", params=values, headers={"Accept": "text/csv"})
                assert answer.status_code == 200, (name, answer.text)
                answers[f"/queries/{name} {values}"] = canonical_lines(answer.text)
        for path in SAMPLE_PAGES:
            answer = client.get(path, headers={"Accept": "application/n-triples"})
            assert answer.status_code == 200, (path, answer.text)
            answers[path] = to_isomorphic(Graph().parse(data=answer.text, format="nt"))
        export = client.get("/export", params={"format": "nquads"})
        assert export.status_code == 200, export.text
        answers["/export"] = canonical_lines("\n".join(line for line in export.text.splitlines()
                                                        if str(PROV.generatedAtTime) not in line))
        report = client.get("/validation", headers={"Accept": "text/turtle"})
        assert report.status_code == 200, report.text
        answers["/validation"] = to_isomorphic(Graph().parse(data=report.text, format="turtle"))
    for fmt in (JSON, XML, CSV, TSV):
        client_ = SPARQLWrapper(url + "/sparql")
        client_.setQuery(SPARQL_SELECT)
        client_.setReturnFormat(fmt)
        body = client_.query().response.read().decode()
        if fmt == JSON:
            rows = json.loads(body)["results"]["bindings"]
            answers[f"/sparql {fmt}"] = sorted(json.dumps(row, sort_keys=True) for row in rows)
        elif fmt == XML:
            answers[f"/sparql {fmt}"] = sorted(re.findall(r"<result>.*?</result>", " ".join(body.split())))
        else:
            answers[f"/sparql {fmt}"] = canonical_lines(body)
    client_ = SPARQLWrapper(url + "/sparql")
    client_.setQuery(SPARQL_ASK)
    client_.setReturnFormat(JSON)
    answers["/sparql ask"] = client_.queryAndConvert()["boolean"]  # type: ignore[index]
    client_ = SPARQLWrapper(url + "/sparql")
    client_.setQuery(SPARQL_CONSTRUCT)
    client_.setReturnFormat(TURTLE)
    body = client_.query().response.read().decode()
    answers["/sparql construct"] = to_isomorphic(Graph().parse(data=body, format="turtle"))
    return answers


@pytest.mark.slow
def test_powkg_serve_answers_from_an_oxigraph_server_as_from_the_embedded_store(project, tmp_path):
    embedded = open_store(f"oxigraph:{tmp_path / 'embedded'}")
    try:
        build([SAMPLE], embedded, project)
    finally:
        embedded.close()
    with powkg_serve(f"oxigraph:{tmp_path / 'embedded'}", {}, tmp_path) as url:
        expected = served_answers(url)
    server = OxigraphServer(tmp_path / "oxigraph").start()
    try:
        remote = server.open()
        try:
            build([SAMPLE], remote, project)
        finally:
            remote.close()
        with powkg_serve(server.descriptor, server.environ, tmp_path) as url:
            answers = served_answers(url)
    finally:
        server.stop()
    assert expected["/sparql ask"] is True and expected["/sparql json"]      # the comparison is not vacuous
    for key, value in expected.items():
        assert answers[key] == value, key
