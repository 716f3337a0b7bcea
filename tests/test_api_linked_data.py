"""Linked data under /id/ (and /ontology, /graph/), with content negotiation, against a real server."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from http_server import (  # noqa: F401
    ARTICLE_A,
    EXCHANGE,
    FIXTURE,
    G_A,
    G_QUARANTINE,
    POW,
    client,
    expand_ids,
    fixture_store,
    load_trig,
    running,
    server,
    test_settings,
)
from powkg.api import create_app
from powkg.store import open_store

# rdflib reads JSON-LD into a ConjunctiveGraph, which rdflib 7.6 marks deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

OA = "http://www.w3.org/ns/oa#"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_a_resource_for_people_shows_each_fact_with_its_evidence(client):  # noqa: F811
    response = client.get("/id/exchange/2024-12-30", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert "<h1>Exchange of 2024-12-30</h1>" in page
    # each value with the exact words that state it, and a link to the source article
    assert "“with the mediation of the United Arab Emirates”" in page
    assert '<a href="/id/article/aaaa000000000001">Ukraine brings home 150 defenders</a>' in page
    assert '<a href="https://news.example/d01" rel="external nofollow">original</a>' in page
    assert "stated by Coordination Headquarters · characters 0–34" in page
    # links stay on this server for IRIs under the base IRI
    assert '<a href="/id/agent/united_arab_emirates" title="https://w3id.org/powkg/id/agent/united_arab_emirates">' \
           'United Arab Emirates</a>' in page
    assert '<span class="inferred">inferred by OWL 2 RL reasoning</span>' in page


def test_conflicting_values_are_shown_side_by_side(client):  # noqa: F811
    page = client.get("/id/exchange/2024-12-30", headers=HTML).text
    section = page[page.index('<section class="conflicts">'):page.index("</section>")]
    assert "<h2>Sources disagree</h2>" in section
    sides = section.split('<div class="side">')[1:]
    assert len(sides) == 2
    assert '<span class="literal">150</span>' in sides[0] and "“Ukraine brought home 150 defenders”" in sides[0]
    assert '<span class="literal">189</span>' in sides[1] and "“189 Ukrainians returned home”" in sides[1]
    assert "Prisoner swap: 189 return" in sides[1] and "Prisoner swap: 189 return" not in sides[0]


def test_a_resource_without_conflicts_has_no_conflict_section(client):  # noqa: F811
    page = client.get("/id/exchange/2024-12-30/cohort/unit-national_guard", headers=HTML).text
    assert 'class="conflicts"' not in page
    assert "“49 National Guard soldiers”" in page


def test_a_page_lists_what_refers_to_the_resource(client):  # noqa: F811
    page = client.get("/id/place/azovstal", headers=HTML).text
    referred = page[page.index('<section class="incoming">'):]
    assert '<a href="/id/exchange/2024-12-30/cohort/defended-azovstal"' in referred


@pytest.mark.parametrize(("accept", "media_type", "parse_as"), [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
])
def test_a_resource_for_machines(client, accept, media_type, parse_as):  # noqa: F811
    response = client.get("/id/exchange/2024-12-30", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    graph = Graph().parse(data=response.text, format=parse_as)
    exchange = URIRef(EXCHANGE)
    assert sorted(int(o) for o in graph.objects(exchange, URIRef(POW + "returnedToUkraine"))) == [150, 189]
    # the evidence comes along, down to the quote
    quotes = {str(q) for q in graph.objects(None, URIRef(OA + "exact"))}
    assert quotes == {"Ukraine brought home 150 defenders", "on December 30",
                      "with the mediation of the United Arab Emirates", "189 Ukrainians returned home"}
    assert (None, RDF.type, URIRef(OA + "TextPositionSelector")) in graph


def test_format_parameter_and_alternates(client):  # noqa: F811
    response = client.get("/id/exchange/2024-12-30", params={"format": "ntriples"}, headers=HTML)
    assert response.headers["content-type"] == "application/n-triples"
    assert '</id/exchange/2024-12-30?format=turtle>; rel="alternate"; type="text/turtle"' in response.headers["link"]


def test_an_unknown_resource_is_404(client):  # noqa: F811
    for accept in ("text/html", "text/turtle"):
        response = client.get("/id/exchange/1900-01-01", headers={"Accept": accept})
        assert response.status_code == 404


def test_a_quarantined_resource_is_not_served(client):  # noqa: F811
    assert client.get("/id/exchange/1999-01-01", headers={"Accept": "text/turtle"}).status_code == 404


def test_not_acceptable(client):  # noqa: F811
    response = client.get("/id/exchange/2024-12-30", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["available"] == ["text/html", "text/turtle", "application/n-triples",
                                            "application/ld+json", "application/rdf+xml"]


def test_the_ontology(client):  # noqa: F811
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert graph.value(URIRef(POW + "Exchange"), URIRef("http://www.w3.org/2000/01/rdf-schema#label")) == \
        Literal("Exchange", lang="en")
    page = client.get("/ontology", headers=HTML).text
    assert '<span id="Exchange"><code>pow:Exchange</code></span>' in page


def test_a_named_graph(client):  # noqa: F811
    path = G_A.removeprefix("https://w3id.org/powkg")
    trig = client.get(path, headers={"Accept": "application/trig"})
    assert trig.status_code == 200
    assert f"<{G_A}>" in trig.text or "graph/article/aaaa000000000001" in trig.text
    triples = Graph().parse(data=client.get(path, headers={"Accept": "text/turtle"}).text, format="turtle")
    assert (URIRef(ARTICLE_A), URIRef("http://purl.org/dc/terms/identifier"), Literal("d01")) in triples
    page = client.get(path, headers=HTML).text
    assert "prov#wasDerivedFrom" in page or "prov:wasDerivedFrom" in page
    assert client.get("/graph/article/nope", headers=HTML).status_code == 404


def test_the_quarantine_graph_is_served_by_its_name_only(client):  # noqa: F811
    """Named by its IRI, a quarantined graph can be read (with its report); it is never in the default graph."""
    response = client.get(G_QUARANTINE.removeprefix("https://w3id.org/powkg"), headers={"Accept": "text/turtle"})
    assert response.status_code == 200


# -- the base IRI maps to the server ------------------------------------------------------------
@pytest.fixture(scope="module")
def own_base() -> Iterator[str]:
    """A server whose base IRI is another one: its data is minted under https://data.example/pow/."""
    store = open_store("memory:")
    load_trig(store, expand_ids(FIXTURE).replace("https://w3id.org/powkg/", "https://data.example/pow/"))
    settings = test_settings(POWKG_BASE_IRI="https://data.example/pow/")
    with running(create_app(settings, store)) as url:
        yield url
    store.close()


def test_the_configured_base_iri_maps_to_the_server(own_base):
    response = httpx.get(own_base + "/id/exchange/2024-12-30", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert "<https://data.example/pow/id/exchange/2024-12-30> " in response.text
    page = httpx.get(own_base + "/id/exchange/2024-12-30", headers=HTML).text
    assert '<a href="/id/article/aaaa000000000001">' in page
    jsonld = httpx.get(own_base + "/id/exchange/2024-12-30", headers={"Accept": "application/ld+json"}).json()
    assert "https://data.example/pow/id/exchange/2024-12-30" in json.dumps(jsonld)
