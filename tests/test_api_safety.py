"""The endpoint is safe by default, tried for real: read-only, never fetches a URL a client names,
bounded in time, answer size and body size, CORS as configured, and no stack trace to a client."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pyoxigraph as ox
import pytest

from http_server import TOKEN, client, fixture_store, load_trig, running, server, test_settings  # noqa: F401
from powkg.api import create_app
from powkg.store import open_store

EX = "http://example.org/"


def generated_store(triples: int):  # type: ignore[no-untyped-def]
    store = open_store("memory:")
    body = "".join(f"<{EX}s{i}> <{EX}p{i % 7}> {i} .\n" for i in range(triples))
    load_trig(store, f"<{EX}graph/one> {{\n{body}}}")
    return store


# -- read-only ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def read_only() -> Iterator[str]:
    store = generated_store(10)
    with running(create_app(test_settings(), store)) as url:
        yield url
    store.close()


@pytest.mark.parametrize("headers", [{}, {"Authorization": f"Bearer {TOKEN}"}], ids=["no token", "any token"])
def test_update_is_refused_when_no_token_is_configured(read_only, headers):
    response = httpx.post(read_only + "/sparql", data={"update": "CLEAR ALL"}, headers=headers)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("this endpoint is read-only: SPARQL Update is off")
    count = httpx.get(read_only + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "format": "csv"})
    assert count.text == "n\r\n10\r\n"


# -- SERVICE and LOAD never reach the network -----------------------------------------------------
class Listener:
    """A TCP listener on a loopback port that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/sparql"
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.socket.accept()
            except TimeoutError:
                continue
            conn.settimeout(1)
            try:
                self.connections.append(conn.recv(4096))
            except OSError:
                self.connections.append(b"")
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.socket.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    opened = Listener()
    yield opened
    opened.close()


def fetching_queries(target: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"select * where {{ sErViCe <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{target}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
    ]


def test_service_is_refused_and_the_url_never_contacted(server, listener):  # noqa: F811
    for query in fetching_queries(listener.url):
        for send in (lambda q: httpx.get(server + "/sparql", params={"query": q}),
                     lambda q: httpx.post(server + "/sparql", data={"query": q}),
                     lambda q: httpx.post(server + "/sparql", content=q.encode(),
                                          headers={"Content-Type": "application/sparql-query"})):
            response = send(query)
            assert response.status_code == 403, (query, response.text)
            assert response.json()["error"] == "QueryRefused"
    time.sleep(0.3)
    assert listener.connections == []


def test_load_and_service_in_updates_are_refused_even_with_the_token(listener):
    store = generated_store(3)
    with running(create_app(test_settings(POWKG_UPDATE_TOKEN=TOKEN), store)) as url:
        for update in (f"LOAD <{listener.url}>", f"LOAD SILENT <{listener.url}> INTO GRAPH <{EX}g>",
                       f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"):
            response = httpx.post(url + "/sparql", data={"update": update},
                                  headers={"Authorization": f"Bearer {TOKEN}"})
            assert response.status_code == 403, (update, response.text)
    store.close()
    time.sleep(0.3)
    assert listener.connections == []


def test_the_listener_does_record_connections(listener):
    """The probe above would see a fetch: a plain request to it is recorded."""
    with pytest.raises(httpx.HTTPError):
        httpx.get(listener.url, timeout=2)
    time.sleep(0.2)
    assert len(listener.connections) == 1 and listener.connections[0].startswith(b"GET /sparql")


# -- time limit -----------------------------------------------------------------------------------
# 300 triples: a three-way cross join is 27 million solutions, several seconds of engine time here.
SLOW_AGGREGATE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SLOW_STREAM = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def slow() -> Iterator[str]:
    store = generated_store(300)
    settings = test_settings(POWKG_QUERY_TIMEOUT="1", POWKG_RESULT_LIMIT="100000000")
    with running(create_app(settings, store)) as url:
        yield url
        _wait_until_idle(url)
    store.close()


def _timed(url: str, params: dict[str, str]) -> tuple[httpx.Response, float]:
    response = httpx.get(url, params=params, timeout=60)
    return response, time.monotonic()


def _wait_until_idle(url: str, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while httpx.get(url + "/health").json()["engine"]["running"] and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_query_past_the_time_limit_gets_a_clear_error_and_the_server_stays_responsive(slow):
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = time.monotonic()
        long_one = pool.submit(_timed, slow + "/sparql", {"query": SLOW_AGGREGATE})
        time.sleep(0.3)
        # While the engine works on it, the server keeps answering: the event loop is never blocked.
        answered_while_busy = 0
        for _ in range(6):
            begin = time.monotonic()
            health = httpx.get(slow + "/health", timeout=5)
            answer = httpx.get(slow + "/sparql", params={"query": f"ASK {{ <{EX}s1> ?p ?o }}"}, timeout=5)
            assert health.status_code == 200 and answer.json()["boolean"] is True
            # a blocked event loop would hold these for the engine's whole run, several seconds
            assert time.monotonic() - begin < 2.0
            answered_while_busy += health.json()["engine"]["running"] >= 1
        response, answered_at = long_one.result()
        still_running = httpx.get(slow + "/health").json()["engine"]["running"]
    elapsed = answered_at - started
    assert answered_while_busy >= 2
    assert still_running >= 1, "the client was answered at the deadline, before the engine was done"
    assert response.status_code == 503
    assert response.json()["detail"] == ("the query did not finish within 1 s (the query_timeout setting, "
                                         "POWKG_QUERY_TIMEOUT); narrow it, or add a LIMIT")
    assert 0.9 < elapsed < 4
    _wait_until_idle(slow)


def test_a_streaming_query_is_stopped_at_the_time_limit(slow):
    started = time.monotonic()
    response = httpx.get(slow + "/sparql", params={"query": SLOW_STREAM}, timeout=60)
    assert response.status_code == 503
    assert time.monotonic() - started < 4
    # The worker gave up at the deadline instead of reading 8 billion rows.
    deadline = time.monotonic() + 5
    while httpx.get(slow + "/health").json()["engine"]["running"]:
        assert time.monotonic() < deadline, "the worker kept reading past the deadline"
        time.sleep(0.05)


# -- result and body limits -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def small() -> Iterator[str]:
    store = generated_store(200)
    settings = test_settings(POWKG_RESULT_LIMIT="100", POWKG_MAX_BODY_BYTES="10000",
                             POWKG_CORS_ORIGINS="https://analyst.example")
    with running(create_app(settings, store)) as url:
        yield url
    store.close()


LIMIT_MESSAGE = ("the answer has more than 100 {} (the result_limit setting, POWKG_RESULT_LIMIT); "
                 "add LIMIT and OFFSET to read it in pages")


@pytest.mark.parametrize(("query", "what"), [("SELECT * WHERE { ?s ?p ?o }", "rows"),
                                             ("CONSTRUCT WHERE { ?s ?p ?o }", "triples"),
                                             ("DESCRIBE ?s WHERE { ?s ?p ?o }", "triples")])
def test_an_answer_past_the_result_limit_is_refused(small, query, what):
    response = httpx.get(small + "/sparql", params={"query": query})
    assert response.status_code == 400
    assert response.json()["detail"] == LIMIT_MESSAGE.format(what)


def test_an_answer_at_the_result_limit_is_served(small):
    response = httpx.get(small + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 100", "format": "csv"})
    assert response.status_code == 200
    assert response.text.count("\r\n") == 101


def test_a_body_past_the_limit_is_refused_before_it_is_read(small):
    response = httpx.post(small + "/sparql", data={"query": "ASK {} #" + "x" * 10_000})
    assert response.status_code == 413
    assert response.json()["detail"] == ("the request body is larger than 10000 bytes "
                                         "(the max_body_bytes setting, POWKG_MAX_BODY_BYTES)")


def test_a_chunked_body_past_the_limit_is_refused(small):
    def chunks() -> Iterator[bytes]:
        yield b"ASK {} #"
        for _ in range(30):
            yield b"x" * 1000

    response = httpx.post(small + "/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def test_a_body_within_the_limit_is_served(small):
    response = httpx.post(small + "/sparql", data={"query": "ASK {} #" + "x" * 9_000})
    assert response.status_code == 200 and response.json()["boolean"] is True


# -- CORS -----------------------------------------------------------------------------------------
def test_cors_preflight_for_an_allowed_origin(small):
    response = httpx.options(small + "/sparql", headers={
        "Origin": "https://analyst.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://analyst.example"
    assert "POST" in response.headers["access-control-allow-methods"]


def test_cors_headers_only_for_allowed_origins(small):
    query = {"query": "ASK {}"}
    allowed = httpx.get(small + "/sparql", params=query, headers={"Origin": "https://analyst.example"})
    other = httpx.get(small + "/sparql", params=query, headers={"Origin": "https://elsewhere.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://analyst.example"
    assert "access-control-allow-origin" not in other.headers


def test_cors_allows_any_origin_by_default(read_only):
    response = httpx.get(read_only + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://x.example"})
    assert response.headers["access-control-allow-origin"] == "*"


# -- no stack trace -------------------------------------------------------------------------------
class BrokenStore:
    """A store whose engine fails in a way nobody planned for."""

    def __init__(self, store) -> None:  # type: ignore[no-untyped-def]
        self._store = store

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._store, name)

    def evaluate(self, sparql: str, **options):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internal detail at /srv/powkg/store.py line 42")


def test_an_unexpected_failure_is_a_500_without_a_stack_trace():
    store = generated_store(3)
    with running(create_app(test_settings(), BrokenStore(store))) as url:  # type: ignore[arg-type]
        for accept in ("application/json", "text/html", "text/plain"):
            response = httpx.get(url + "/sparql", params={"query": "ASK {}", "format": "json"},
                                 headers={"Accept": accept})
            assert response.status_code == 500
            assert "internal error: the server log has the details" in response.text
            for leak in ("Traceback", "RuntimeError", "secret", "store.py"):
                assert leak not in response.text
        assert httpx.get(url + "/health").status_code == 200
    store.close()


def test_security_headers(client):  # noqa: F811
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["content-security-policy"].startswith("default-src 'self'; script-src 'self'")
    assert client.get("/sparql", params={"query": "ASK {}"}).headers["x-content-type-options"] == "nosniff"


def test_blank_node_free_ask_is_fast_to_answer(client):  # noqa: F811
    """A sanity check of the main fixture server used above: its quarantined graph is out of reach."""
    query = "ASK { ?e <https://w3id.org/powkg/ontology#returnedToUkraine> 999 }"
    response = client.get("/sparql", params={"query": query})
    assert response.json()["boolean"] is False
    assert isinstance(ox.Literal("x"), ox.Literal)
