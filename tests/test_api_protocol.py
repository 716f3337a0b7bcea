"""The SPARQL 1.1 Protocol at /sparql, against a real server.

The tables named after the W3C SPARQL 1.1 Protocol test suite (protocol/manifest.ttl) hold the tests
that apply to a read-only endpoint, each restated over graphs of our own; the update tests run
against a second server that has an update token.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph

from http_server import TOKEN, load_trig, running, test_settings
from powkg.api import create_app
from powkg.store import open_store

D1 = "http://kasei.us/2009/09/sparql/data/data1.rdf"
D2 = "http://kasei.us/2009/09/sparql/data/data2.rdf"
D3 = "http://kasei.us/2009/09/sparql/data/data3.rdf"

DATA = f"""
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<{D1}> {{ <http://example.org/alice> foaf:name "Alice" . }}
<{D2}> {{ <http://example.org/bob> foaf:name "Bob" . }}
<{D3}> {{ <http://example.org/carol> foaf:name "Carol" ; foaf:knows <http://example.org/bob> . }}
"""

NAMES = "PREFIX foaf: <http://xmlns.com/foaf/0.1/> SELECT ?name WHERE { ?s foaf:name ?name } ORDER BY ?name"
NAMED = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    store = open_store("memory:")
    load_trig(store, DATA)
    with running(create_app(test_settings(), store)) as base:
        yield base
    store.close()


def varies(response: httpx.Response) -> list[str]:
    return [v.strip() for v in response.headers.get("vary", "").split(",")]


def values(response: httpx.Response, name: str) -> list[str]:
    assert response.status_code == 200, response.text
    return [b[name]["value"] for b in response.json()["results"]["bindings"]]


# -- query operation ------------------------------------------------------------------------------
def test_query_get(url):
    response = httpx.get(url + "/sparql", params={"query": "ASK {}"}, headers=JSON)
    assert response.json() == {"head": {}, "boolean": True}


def test_query_post_form(url):
    response = httpx.post(url + "/sparql", data={"query": "ASK {}"}, headers=JSON)
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_query_post_direct(url):
    response = httpx.post(url + "/sparql", content=NAMES.encode(),
                          headers={**JSON, "Content-Type": "application/sparql-query"})
    assert values(response, "name") == ["Alice", "Bob", "Carol"]


def test_default_graph_is_the_union_of_the_named_graphs(url):
    response = httpx.get(url + "/sparql", params={"query": NAMES}, headers=JSON)
    assert values(response, "name") == ["Alice", "Bob", "Carol"]


DATASET_CASES = [
    # (W3C test name, method, params, query, variable, expected)
    ("query_dataset_default_graph", "GET", [("default-graph-uri", D1)], NAMES, "name", ["Alice"]),
    ("query_dataset_default_graphs_get", "GET", [("default-graph-uri", D1), ("default-graph-uri", D2)],
     NAMES, "name", ["Alice", "Bob"]),
    ("query_dataset_default_graphs_post", "POST", [("default-graph-uri", D1), ("default-graph-uri", D2)],
     NAMES, "name", ["Alice", "Bob"]),
    ("query_dataset_named_graphs_get", "GET", [("named-graph-uri", D1), ("named-graph-uri", D2)],
     NAMED, "g", [D1, D2]),
    ("query_dataset_named_graphs_post", "POST", [("named-graph-uri", D2), ("named-graph-uri", D3)],
     NAMED, "g", [D2, D3]),
    ("query_dataset_full: no named graph beside a default graph", "GET", [("default-graph-uri", D3)],
     NAMED, "g", []),
    ("query_dataset_full", "GET", [("default-graph-uri", D3), ("named-graph-uri", D1), ("named-graph-uri", D2)],
     "SELECT ?x WHERE { { ?x ?p ?o } UNION { GRAPH ?g { ?x ?p ?o } } } GROUP BY ?x ORDER BY ?x", "x",
     ["http://example.org/alice", "http://example.org/bob", "http://example.org/carol"]),
    ("query_multiple_dataset: the protocol wins over FROM", "GET", [("default-graph-uri", D2)],
     f"PREFIX foaf: <http://xmlns.com/foaf/0.1/> SELECT ?name FROM <{D1}> WHERE {{ ?s foaf:name ?name }}",
     "name", ["Bob"]),
    ("FROM without protocol parameters", "GET", [],
     f"PREFIX foaf: <http://xmlns.com/foaf/0.1/> SELECT ?name FROM <{D1}> FROM <{D3}> WHERE {{ ?s foaf:name ?name }} "
     "ORDER BY ?name", "name", ["Alice", "Carol"]),
    ("FROM NAMED without protocol parameters", "GET", [], f"SELECT ?g FROM NAMED <{D3}> WHERE {{ GRAPH ?g {{}} }}",
     "g", [D3]),
]


@pytest.mark.parametrize(("method", "params", "query", "variable", "expected"), [c[1:] for c in DATASET_CASES],
                         ids=[c[0] for c in DATASET_CASES])
def test_dataset(url, method, params, query, variable, expected):
    if method == "GET":
        response = httpx.get(url + "/sparql", params=[("query", query), *params], headers=JSON)
    else:
        response = httpx.post(url + "/sparql", data={"query": query, **_grouped(params)}, headers=JSON)
    assert values(response, variable) == expected


def _grouped(params: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in params:
        grouped.setdefault(key, []).append(value)
    return grouped


CONTENT_TYPE_CASES = [
    # (W3C test name / case, query, Accept, expected media type)
    ("query_content_type_select json", NAMES, "application/sparql-results+json", "application/sparql-results+json"),
    ("query_content_type_select xml", NAMES, "application/sparql-results+xml", "application/sparql-results+xml"),
    ("query_content_type_select csv", NAMES, "text/csv", "text/csv"),
    ("query_content_type_select tsv", NAMES, "text/tab-separated-values", "text/tab-separated-values"),
    ("query_content_type_ask", "ASK {}", "application/sparql-results+xml, application/sparql-results+json;q=0.5",
     "application/sparql-results+xml"),
    ("query_content_type_describe", "DESCRIBE <http://example.org/carol>", "application/rdf+xml, text/turtle;q=0.5",
     "application/rdf+xml"),
    ("query_content_type_construct turtle", "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle", "text/turtle"),
    ("query_content_type_construct n-triples", "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples",
     "application/n-triples"),
    ("query_content_type_construct json-ld", "CONSTRUCT WHERE { ?s ?p ?o }", "application/ld+json",
     "application/ld+json"),
    ("no Accept: SPARQL JSON", NAMES, None, "application/sparql-results+json"),
    ("no Accept: Turtle", "CONSTRUCT WHERE { ?s ?p ?o }", None, "text/turtle"),
]


@pytest.mark.parametrize(("query", "accept", "media_type"), [c[1:] for c in CONTENT_TYPE_CASES],
                         ids=[c[0] for c in CONTENT_TYPE_CASES])
def test_content_type(url, query, accept, media_type):
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(url + "/sparql", params={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in varies(response)


@pytest.mark.parametrize(("fmt", "media_type"), [("json", "application/sparql-results+json"), ("csv", "text/csv"),
                                                 ("tsv", "text/tab-separated-values"),
                                                 ("xml", "application/sparql-results+xml")])
def test_format_parameter_overrides_accept(url, fmt, media_type):
    response = httpx.get(url + "/sparql", params={"query": NAMES, "format": fmt}, headers={"Accept": "text/turtle"})
    assert response.headers["content-type"].split(";")[0] == media_type


def test_results_in_each_format_are_exact(url):
    get = lambda accept: httpx.get(url + "/sparql", params={"query": NAMES}, headers={"Accept": accept}).text  # noqa: E731
    assert get("text/csv") == "name\r\nAlice\r\nBob\r\nCarol\r\n"
    assert get("text/tab-separated-values") == '?name\n"Alice"\n"Bob"\n"Carol"\n'
    xml = get("application/sparql-results+xml")
    assert '<variable name="name"/>' in xml and "<literal>Carol</literal>" in xml
    graph = Graph().parse(data=httpx.get(url + "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                                         headers={"Accept": "application/rdf+xml"}).text, format="xml")
    assert len(graph) == 4


def test_not_acceptable_lists_what_can_be_served(url):
    response = httpx.get(url + "/sparql", params={"query": NAMES}, headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    assert "Accept" in varies(response)
    assert response.json()["available"] == ["application/sparql-results+json", "application/sparql-results+xml",
                                            "text/csv", "text/tab-separated-values"]


# -- errors ---------------------------------------------------------------------------------------
BAD_CASES = [
    # (W3C test name, method, kwargs, status)
    ("bad_query_method", "PUT", {"params": {"query": "ASK {}"}}, 405),
    ("bad_multiple_queries", "GET", {"params": [("query", "ASK {}"), ("query", "ASK { ?s ?p ?o }")]}, 400),
    ("bad_query_wrong_media_type", "POST", {"content": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
    ("bad_query_missing_form_type", "POST", {"content": b"query=ASK%20%7B%7D"}, 415),
    ("bad_query_missing_direct_type", "POST", {"content": b"ASK {}"}, 415),
    ("bad_query_non_utf8", "POST", {"content": "ASK { ?s ?p \"ĉ\" }".encode("latin-1", "replace"),
                                    "headers": {"Content-Type": "application/sparql-query; charset=ISO-8859-1"}}, 400),
    ("bad_query_non_utf8 bytes", "POST", {"content": b"ASK { ?s ?p \"\xe9\" }",
                                          "headers": {"Content-Type": "application/sparql-query"}}, 400),
    ("bad_query_syntax", "GET", {"params": {"query": "ASK { ?s ?p ?o "}}, 400),
    ("bad_update_get", "GET", {"params": {"update": "CLEAR ALL"}}, 400),
    ("an update sent as a query", "GET", {"params": {"query": "CLEAR ALL"}}, 400),
    ("an empty POST form", "POST", {"data": {"format": "json"}}, 400),
    ("unknown format", "GET", {"params": {"query": "ASK {}", "format": "yaml"}}, 400),
    ("bad dataset IRI", "GET", {"params": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400),
]


@pytest.mark.parametrize(("method", "kwargs", "status"), [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_bad_requests(url, method, kwargs, status):
    response = httpx.request(method, url + "/sparql", **kwargs)
    assert response.status_code == status, response.text
    problem = response.json()
    assert problem["status"] == status and problem["detail"]
    assert "Traceback" not in response.text


def test_malformed_query_gets_the_parsers_message(url):
    response = httpx.get(url + "/sparql", params={"query": "SELECT ?x WHERE { ?x ?p }"})
    assert response.status_code == 400
    assert response.json()["detail"] == "malformed SPARQL query: error at 1:26: expected one of LATERAL, SERVICE, [_]"


# -- the service description ----------------------------------------------------------------------
SD = "http://www.w3.org/ns/sparql-service-description#"


def test_service_description_without_a_query(url):
    response = httpx.get(url + "/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    answer = {str(r.endpoint): int(r.triples) for r in graph.query(f"""
        PREFIX sd: <{SD}> PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?endpoint ?triples WHERE {{ ?s a sd:Service ; sd:endpoint ?endpoint ;
            sd:supportedLanguage sd:SPARQL11Query ; sd:feature sd:UnionDefaultGraph ;
            sd:defaultDataset/sd:defaultGraph/void:triples ?triples }}""")}
    assert answer == {url + "/sparql": 4}
    named = {str(r.name): int(r.n) for r in graph.query(f"""
        PREFIX sd: <{SD}> PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?name ?n WHERE {{ ?s sd:defaultDataset/sd:namedGraph [ sd:name ?name ; sd:graph/void:triples ?n ] }}""")}
    assert named == {D1: 1, D2: 1, D3: 2}
    languages = {str(o) for o in graph.objects(None, graph.namespace_manager.expand_curie("sd:supportedLanguage")
                                               if False else _sd("supportedLanguage"))}
    assert languages == {SD + "SPARQL11Query"}, "a read-only endpoint does not announce SPARQL Update"


def _sd(name: str):  # type: ignore[no-untyped-def]
    from rdflib import URIRef

    return URIRef(SD + name)


@pytest.mark.parametrize(("accept", "media_type"), [("application/ld+json", "application/ld+json"),
                                                    ("application/n-triples", "application/n-triples"),
                                                    ("text/html", "text/html")])
def test_service_description_formats(url, accept, media_type):
    response = httpx.get(url + "/sparql", headers={"Accept": accept})
    assert response.headers["content-type"].split(";")[0] == media_type
    if media_type == "application/ld+json":
        assert any("http://www.w3.org/ns/sparql-service-description#Service" in json.dumps(node)
                   for node in response.json())


# -- updates (a server of its own: updates change what it holds) -------------------------------
@pytest.fixture()
def writable() -> Iterator[str]:
    store = open_store("memory:")
    load_trig(store, DATA)
    with running(create_app(test_settings(POWKG_UPDATE_TOKEN=TOKEN), store)) as base:
        yield base
    store.close()


BEARER = {"Authorization": f"Bearer {TOKEN}"}


def test_update_post_form_with_the_token(writable):
    response = httpx.post(writable + "/sparql", headers=BEARER,
                          data={"update": f'INSERT DATA {{ GRAPH <{D1}> {{ <http://example.org/dan> '
                                          '<http://xmlns.com/foaf/0.1/name> "Dan" } }'})
    assert response.status_code == 204, response.text
    assert values(httpx.get(writable + "/sparql", params={"query": NAMES}, headers=JSON), "name") == [
        "Alice", "Bob", "Carol", "Dan"]


def test_update_post_direct_with_the_token(writable):
    response = httpx.post(writable + "/sparql", content=f"DROP GRAPH <{D2}>".encode(),
                          headers={**BEARER, "Content-Type": "application/sparql-update"})
    assert response.status_code == 204, response.text
    assert values(httpx.get(writable + "/sparql", params={"query": NAMES}, headers=JSON), "name") == ["Alice", "Carol"]


def test_the_service_description_announces_update_when_it_is_on(writable):
    response = httpx.get(writable + "/sparql", headers={"Accept": "application/n-triples"})
    assert f"<{SD}supportedLanguage> <{SD}SPARQL11Update>" in response.text


@pytest.mark.parametrize(("headers", "status"), [({}, 401), ({"Authorization": "Bearer wrong"}, 401),
                                                 ({"Authorization": f"Basic {TOKEN}"}, 401)],
                         ids=["no token", "wrong token", "not a bearer token"])
def test_update_needs_the_token(writable, headers, status):
    response = httpx.post(writable + "/sparql", data={"update": f"DROP GRAPH <{D1}>"}, headers=headers)
    assert response.status_code == status
    assert response.headers["www-authenticate"] == 'Bearer realm="powkg"'
    assert values(httpx.get(writable + "/sparql", params={"query": NAMES}, headers=JSON), "name") == [
        "Alice", "Bob", "Carol"]


UPDATE_BAD_CASES = [
    ("bad_update_syntax", {"data": {"update": "INSERT DATA { <a> "}}, 400),
    ("bad_multiple_updates", {"data": {"update": ["CLEAR ALL", "CLEAR ALL"]}}, 400),
    ("bad_update_wrong_media_type", {"content": b"CLEAR ALL", "headers": {"Content-Type": "text/plain"}}, 415),
    ("bad_update_non_utf8", {"content": b'INSERT DATA { <http://a> <http://b> "\xe9" }',
                             "headers": {"Content-Type": "application/sparql-update"}}, 400),
    ("bad_update_dataset_conflict", {"data": {"update": f"DELETE {{ ?s ?p ?o }} USING <{D1}> WHERE {{ ?s ?p ?o }}",
                                              "using-graph-uri": D2}}, 400),
    ("query and update together", {"data": {"update": "CLEAR ALL", "query": "ASK {}"}}, 400),
]


@pytest.mark.parametrize(("kwargs", "status"), [c[1:] for c in UPDATE_BAD_CASES], ids=[c[0] for c in UPDATE_BAD_CASES])
def test_bad_updates(writable, kwargs, status):
    headers = {**BEARER, **kwargs.pop("headers", {})}
    response = httpx.post(writable + "/sparql", headers=headers, **kwargs)
    assert response.status_code == status, response.text
    assert values(httpx.get(writable + "/sparql", params={"query": NAMES}, headers=JSON), "name") == [
        "Alice", "Bob", "Carol"]
