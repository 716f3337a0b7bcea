"""Exports of the whole graph (streamed, with or without inferred triples) and the VoID description."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from http_server import G_A, G_B, G_INFERRED, G_ONTOLOGY, POW, client, fixture_store, server  # noqa: F401

VOID = "http://rdfs.org/ns/void#"
ASSERTED = 142        # quads in the two article graphs
MERGED = 139          # distinct triples once merged: both articles state the exchange's type, label and date


def quads(response_text: str, fmt: ox.RdfFormat) -> list[ox.Quad]:
    return list(ox.parse(response_text.encode("utf-8"), format=fmt))


@pytest.mark.parametrize(("path", "media_type", "fmt"), [
    ("/export/powkg.ttl", "text/turtle", ox.RdfFormat.TURTLE),
    ("/export/powkg.nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("/export/powkg.trig", "application/trig", ox.RdfFormat.TRIG),
    ("/export/powkg.nq", "application/n-quads", ox.RdfFormat.N_QUADS),
    ("/export/powkg.jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("/export/powkg.rdf", "application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_export_in_each_format(client, path, media_type, fmt):  # noqa: F811
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["content-disposition"] == f'attachment; filename="{path.rsplit("/", 1)[1]}"'
    assert "content-length" not in response.headers, "an export is streamed"
    parsed = quads(response.text, fmt)
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        assert {q.graph_name.value for q in parsed} == {G_A, G_B}
        assert len(parsed) == ASSERTED
    else:
        assert len({(q.subject, q.predicate, q.object) for q in parsed}) == MERGED
    subjects = {q.subject.value for q in parsed if isinstance(q.subject, ox.NamedNode)}
    assert "https://w3id.org/powkg/id/exchange/1999-01-01" not in subjects, "quarantine stays out"


def test_export_with_inferred_triples_and_ontology(client):  # noqa: F811
    response = client.get("/export", params={"format": "trig", "inferred": "true", "ontology": "true"})
    graphs = {q.graph_name.value for q in quads(response.text, ox.RdfFormat.TRIG)}
    assert graphs == {G_A, G_B, G_INFERRED, G_ONTOLOGY}
    without = {q.graph_name.value for q in quads(client.get("/export/powkg.trig").text, ox.RdfFormat.TRIG)}
    assert G_INFERRED not in without


def test_export_negotiates(client):  # noqa: F811
    response = client.get("/export", headers={"Accept": "application/n-quads"})
    assert response.headers["content-type"] == "application/n-quads"
    page = client.get("/export", headers={"Accept": "text/html"}).text
    assert '<a href="/export/powkg.ttl">powkg.ttl</a>' in page


def test_an_unknown_export_file(client):  # noqa: F811
    assert client.get("/export/powkg.xlsx").status_code == 400
    assert client.get("/export/powkg").status_code == 404


def test_void(client, server):  # noqa: F811
    response = client.get("/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    dataset = URIRef("https://w3id.org/powkg/void#dataset")
    value = lambda p: graph.value(dataset, URIRef(VOID + p))  # noqa: E731
    assert str(value("sparqlEndpoint")) == server + "/sparql"
    assert str(value("uriSpace")) == "https://w3id.org/powkg/id/"
    assert {str(d) for d in graph.objects(dataset, URIRef(VOID + "dataDump"))} == {
        f"{server}/export/powkg.{ext}" for ext in ("ttl", "nt", "trig", "jsonld")}
    classes = {str(graph.value(p, URIRef(VOID + "class"))): int(graph.value(p, URIRef(VOID + "entities")))
               for p in graph.objects(dataset, URIRef(VOID + "classPartition"))}
    assert classes[POW + "Exchange"] == 2
    assert classes[POW + "Article"] == 2
    subsets = {str(s) for s in graph.objects(dataset, URIRef(VOID + "subset"))}
    assert subsets == {G_A, G_B, G_INFERRED, G_ONTOLOGY}
    assert client.get("/.well-known/void", follow_redirects=False).headers["location"] == "/void"
