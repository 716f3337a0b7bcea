"""The validation service: GET runs the shapes over the graph, POST over a posted document (never stored)."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from http_server import EXCHANGE, client, fixture_store, server  # noqa: F401

# rdflib reads JSON-LD into a ConjunctiveGraph, which rdflib 7.6 marks deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

BAD_COHORT = EXCHANGE + "/cohort/posted-negative"
NEGATIVE = f"""@prefix pow: <https://w3id.org/powkg/ontology#> .
<{BAD_COHORT}> a pow:Cohort ; pow:cohortOf <{EXCHANGE}> ; pow:count -5 ."""
TURTLE = {"Content-Type": "text/turtle"}


def report_of(text: str, fmt: str = "turtle") -> Graph:
    return Graph().parse(data=text, format=fmt)


def conforms(graph: Graph) -> bool:
    report = next(graph.subjects(URIRef(str(SH) + "conforms"), None))
    return bool(graph.value(report, SH.conforms).toPython())


def violations_of(graph: Graph, focus: str) -> set[tuple[str, str | None]]:
    """(path, value) of each violation on ``focus``."""
    found = set()
    for result in graph.subjects(SH.focusNode, URIRef(focus)):
        if graph.value(result, SH.resultSeverity) == SH.Violation:
            path, value = graph.value(result, SH.resultPath), graph.value(result, SH.value)
            found.add((str(path), str(value) if value is not None else None))
    return found


def test_the_graphs_report(client):  # noqa: F811
    response = client.get("/validation", headers={"Accept": "text/turtle"}, timeout=300)
    assert response.status_code == 200
    report = report_of(response.text)
    assert conforms(report) is (response.headers["shacl-conforms"] == "true")
    # the fixture's running total has no evidence for its count: the article shapes say so
    assert any(path.endswith("#evidence") for path, _ in
               violations_of(report, "https://w3id.org/powkg/id/article/aaaa000000000001/total/0"))


def test_the_graphs_report_for_people(client):  # noqa: F811
    page = client.get("/validation", headers={"Accept": "text/html"}, timeout=300).text
    assert '<p class="verdict violates">The graph does <strong>not</strong> conform to the shapes.</p>' in page
    assert '<a href="/id/article/aaaa000000000001/total/0">' in page


def test_a_posted_document_is_validated(client):  # noqa: F811
    response = client.post("/validation", content=NEGATIVE, headers=TURTLE, timeout=300)
    assert response.status_code == 200
    assert response.headers["shacl-conforms"] == "false"
    report = report_of(response.text)
    assert conforms(report) is False
    assert ("https://w3id.org/powkg/ontology#count", "-5") in violations_of(report, BAD_COHORT)


def test_a_posted_document_is_never_stored(client):  # noqa: F811
    client.post("/validation", content=NEGATIVE, headers=TURTLE, timeout=300)
    answer = client.get("/sparql", params={"query": f"ASK {{ GRAPH ?g {{ <{BAD_COHORT}> ?p ?o }} }}"})
    assert answer.json()["boolean"] is False
    assert client.get("/sparql", params={"query": f"ASK {{ <{BAD_COHORT}> ?p ?o }}"}).json()["boolean"] is False


def test_an_empty_document_conforms(client):  # noqa: F811
    response = client.post("/validation", content=b"", headers=TURTLE, timeout=300)
    assert response.headers["shacl-conforms"] == "true"
    assert conforms(report_of(response.text)) is True


def test_the_report_as_json_ld(client):  # noqa: F811
    response = client.post("/validation", content=NEGATIVE, headers={**TURTLE, "Accept": "application/ld+json"},
                           timeout=300)
    assert response.headers["content-type"].startswith("application/ld+json")
    assert conforms(report_of(response.text, "json-ld")) is False


def test_bad_turtle_gets_the_parsers_message(client):  # noqa: F811
    response = client.post("/validation", content=b"<a> <b> .", headers=TURTLE)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("the posted document is not valid Turtle: ")


def test_only_turtle_is_taken(client):  # noqa: F811
    response = client.post("/validation", content=b"{}", headers={"Content-Type": "application/ld+json"})
    assert response.status_code == 415


