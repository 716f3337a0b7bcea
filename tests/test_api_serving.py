"""How a server keeps answers fast: the copy of an on-disk store in memory, and linked-data documents kept
ready with their entity tags. Against a real server."""

from __future__ import annotations

import time

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from http_server import (  # noqa: F401
    EXCHANGE,
    FIXTURE,
    G_A,
    ID,
    POW,
    TOKEN,
    client,
    fixture_store,
    load_trig,
    running,
    server,
    test_settings,
)
from powkg.api import create_app
from powkg.settings import load_settings
from powkg.store import open_store

TURTLE = {"Accept": "text/turtle"}
EVERYTHING = "SELECT ?g ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
JSON = {"Accept": "application/sparql-results+json"}


def _rows(url: str, query: str) -> set[tuple[str, ...]]:
    answer = httpx.get(url + "/sparql", params={"query": query}, headers=JSON, timeout=30).json()
    names = answer["head"]["vars"]
    # blank nodes get new labels in a copy: compare them by kind only
    return {tuple("_:" if row.get(n, {}).get("type") == "bnode" else row.get(n, {}).get("value", "")
                  for n in names) for row in answer["results"]["bindings"]}


def _memory_copy(url: str, seconds: float = 20) -> str:
    """The memory copy's state once it is no longer loading."""
    deadline = time.monotonic() + seconds
    while True:
        state = httpx.get(url + "/health", timeout=5).json()["memory_copy"]
        if state != "loading" or time.monotonic() > deadline:
            return state
        time.sleep(0.05)


@pytest.fixture
def on_disk(tmp_path) -> str:
    """An on-disk store holding the fixture graph, closed: each test opens it for its server."""
    location = f"oxigraph:{tmp_path / 'store'}"
    store = open_store(location)
    load_trig(store, FIXTURE)
    store.close()
    return location


def _settings(location: str, **environ: str):  # type: ignore[no-untyped-def]
    return load_settings({"store": location}, environ=environ)


def test_a_read_only_server_answers_from_a_copy_in_memory_with_the_same_answers(on_disk, fixture_store):  # noqa: F811
    disk = open_store(on_disk)
    try:
        with running(create_app(test_settings(), fixture_store)) as reference, \
                running(create_app(_settings(on_disk), disk)) as url:
            assert _memory_copy(url) == "serving"
            everything = _rows(url, EVERYTHING)
            # the same dataset as the in-memory fixture: named graphs, the union, the quarantine left out
            assert everything == _rows(reference, EVERYTHING)
            assert not any("quarantine" in "".join(row) for row in everything)
            copied, expected = (Graph().parse(data=httpx.get(u + "/id/exchange/2024-12-30", headers=TURTLE).text,
                                              format="turtle") for u in (url, reference))
            assert len(copied) > 50 and isomorphic(copied, expected)
    finally:
        disk.close()


@pytest.mark.parametrize(("environ", "state"), [
    ({"POWKG_MEMORY_QUADS": "10"}, "too large"),        # the fixture holds more quads than that
    ({"POWKG_MEMORY_QUADS": "0"}, "off"),
    ({"POWKG_UPDATE_TOKEN": TOKEN}, "off"),             # updates must reach the store on disk
])
def test_no_copy_is_made_past_the_limit_or_when_updates_are_allowed(on_disk, environ, state):
    disk = open_store(on_disk)
    try:
        with running(create_app(_settings(on_disk, **environ), disk)) as url:
            assert _memory_copy(url) == state
            # still answered, from the store on disk
            rows = _rows(url, f"SELECT ?o WHERE {{ <{EXCHANGE}> <{POW}date> ?o }}")
            assert rows == {("2024-12-30",)}
    finally:
        disk.close()


def test_a_document_has_an_entity_tag_and_a_conditional_request_gets_304(client):  # noqa: F811
    first = client.get("/id/exchange/2024-12-30", headers=TURTLE)
    tag = first.headers["etag"]
    assert first.status_code == 200 and tag.startswith('"') and tag.endswith('"')
    again = client.get("/id/exchange/2024-12-30", headers={**TURTLE, "If-None-Match": f'"x", W/{tag}'})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag and "Accept" in again.headers["vary"]
    assert client.get("/id/exchange/2024-12-30", headers={**TURTLE, "If-None-Match": "*"}).status_code == 304
    other = client.get("/id/exchange/2024-12-30", headers={**TURTLE, "If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content
    page = client.get("/id/exchange/2024-12-30", headers={"Accept": "text/html"})
    assert page.headers["etag"] != tag        # each representation has its own tag


def test_a_write_through_the_endpoint_changes_the_document_served(client):  # noqa: F811
    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = client.get("/id/exchange/2024-12-30", headers=TURTLE)
    note = f"INSERT DATA {{ GRAPH <{G_A}> {{ <{EXCHANGE}> <{POW}note> \"a note added while serving\" }} }}"
    assert client.post("/sparql", data={"update": note}, headers=auth).status_code == 204
    try:
        after = client.get("/id/exchange/2024-12-30", headers={**TURTLE, "If-None-Match": before.headers["etag"]})
        assert after.status_code == 200
        assert "a note added while serving" in after.text
        assert after.headers["etag"] != before.headers["etag"]
    finally:
        client.post("/sparql", data={"update": note.replace("INSERT DATA", "DELETE DATA")}, headers=auth)
    assert "a note added while serving" not in client.get("/id/exchange/2024-12-30", headers=TURTLE).text


def test_an_unknown_resource_is_still_404(client):  # noqa: F811
    for _ in range(2):
        assert client.get("/id/exchange/1900-01-01", headers=TURTLE).status_code == 404
    assert ID in client.get("/id/exchange/2024-12-30", headers=TURTLE).text
