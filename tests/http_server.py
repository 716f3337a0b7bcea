"""A real powkg server for the HTTP tests: uvicorn on 127.0.0.1, on a port the OS picks.

``running(app)`` starts uvicorn in a thread on a socket bound to port 0, waits until ``/health``
answers, yields the base URL and stops the server in ``finally`` (httpx's ``serve_in_thread``).
The session fixture ``server`` serves ``FIXTURE``: a small graph in the domain's shape, written by
hand so the tests do not wait for the extractor: two articles that disagree on one exchange, a
second exchange, cohorts, a running total, evidence with both Web Annotation selectors, the
ontology graph, an inferred graph, and a quarantined graph that must stay out of every answer.

Test modules import the fixtures they use from here.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pyoxigraph as ox
import pytest
import uvicorn
from rdflib import Graph

from powkg.api import create_app
from powkg.settings import Settings, load_settings
from powkg.store import Store, open_store
from powkg.store.terms import to_rdflib

TOKEN = "test-update-token-3f9c"
BASE = "https://w3id.org/powkg/"
ID = BASE + "id/"
POW = BASE + "ontology#"
G_A = BASE + "graph/article/aaaa000000000001"
G_B = BASE + "graph/article/bbbb000000000002"
G_ONTOLOGY = BASE + "graph/ontology"
G_INFERRED = BASE + "graph/inferred"
G_QUARANTINE = BASE + "graph/quarantine/cccc000000000003"
EXCHANGE = ID + "exchange/2024-12-30"
EXCHANGE_2025 = ID + "exchange/2025-01-15"
ARTICLE_A = ID + "article/aaaa000000000001"
ARTICLE_B = ID + "article/bbbb000000000002"

FIXTURE = """
@prefix pow: <https://w3id.org/powkg/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix schema: <https://schema.org/> .

<https://w3id.org/powkg/graph/ontology> {
  pow:Exchange a owl:Class ; rdfs:label "Exchange"@en ; rdfs:comment "One exchange of prisoners on one day."@en .
  pow:Cohort a owl:Class ; rdfs:label "Cohort"@en .
  pow:returnedToUkraine a owl:DatatypeProperty ; rdfs:label "returned to Ukraine"@en .
  pow:count a owl:DatatypeProperty ; rdfs:label "count"@en .
  pow:date a owl:DatatypeProperty ; rdfs:label "date"@en .
  pow:mediatedBy a owl:ObjectProperty ; rdfs:label "mediated by"@en .
  pow:locatedIn a owl:ObjectProperty, owl:TransitiveProperty ; rdfs:label "located in"@en .
  id:place/azovstal a pow:BattleLocation ; skos:notation "azovstal" ;
      rdfs:label "Azovstal"@en, "Азовсталь"@uk ; pow:locatedIn id:place/mariupol .
  id:place/mariupol a pow:Place ; skos:notation "mariupol" ; rdfs:label "Mariupol"@en ;
      pow:locatedIn id:place/donetsk_oblast .
  id:place/donetsk_oblast a pow:Place ; skos:notation "donetsk_oblast" ; rdfs:label "Donetsk Oblast"@en .
  id:unit/national_guard a pow:Unit ; skos:notation "national_guard" ; rdfs:label "National Guard"@en .
  id:agent/united_arab_emirates a pow:Mediator ; skos:notation "united_arab_emirates" ;
      rdfs:label "United Arab Emirates"@en .
  id:agent/coordination_headquarters a pow:StatingAgent ; skos:notation "coordination_headquarters" ;
      rdfs:label "Coordination Headquarters"@en .
}

<https://w3id.org/powkg/graph/article/aaaa000000000001> {
  <https://w3id.org/powkg/graph/article/aaaa000000000001> a prov:Entity ;
      prov:wasDerivedFrom id:article/aaaa000000000001 ; pow:extractorVersion "0.1.0" .
  id:article/aaaa000000000001 a pow:Article ; dcterms:identifier "d01" ;
      rdfs:label "Ukraine brings home 150 defenders" ;
      dcterms:title "Ukraine brings home 150 defenders" ; dcterms:publisher "Example News" ;
      schema:url "https://news.example/d01"^^xsd:anyURI ; schema:datePublished "2024-12-30"^^xsd:date .
  id:exchange/2024-12-30 a pow:Exchange ; rdfs:label "Exchange of 2024-12-30" ;
      pow:reportedIn id:article/aaaa000000000001 ;
      pow:date "2024-12-30"^^xsd:date ; pow:returnedToUkraine 150 ; pow:mediatedBy id:agent/united_arab_emirates ;
      pow:evidence id:article/aaaa000000000001/evidence/0, id:article/aaaa000000000001/evidence/1,
                   id:article/aaaa000000000001/evidence/2 .
  id:article/aaaa000000000001/evidence/0 a pow:Evidence ; oa:hasBody id:exchange/2024-12-30 ;
      pow:supports pow:returnedToUkraine ; rdf:value 150 ; pow:attributedTo id:agent/coordination_headquarters ;
      oa:hasTarget [ a oa:SpecificResource ; oa:hasSource id:article/aaaa000000000001 ;
          oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Ukraine brought home 150 defenders" ] ,
                         [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 34 ] ] .
  id:article/aaaa000000000001/evidence/1 a pow:Evidence ; oa:hasBody id:exchange/2024-12-30 ;
      pow:supports pow:date ; rdf:value "2024-12-30"^^xsd:date ;
      oa:hasTarget [ a oa:SpecificResource ; oa:hasSource id:article/aaaa000000000001 ;
          oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "on December 30" ] ,
                         [ a oa:TextPositionSelector ; oa:start 35 ; oa:end 49 ] ] .
  id:article/aaaa000000000001/evidence/2 a pow:Evidence ; oa:hasBody id:exchange/2024-12-30 ;
      pow:supports pow:mediatedBy ; rdf:value id:agent/united_arab_emirates ;
      oa:hasTarget [ a oa:SpecificResource ; oa:hasSource id:article/aaaa000000000001 ;
          oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "with the mediation of the United Arab Emirates" ] ,
                         [ a oa:TextPositionSelector ; oa:start 50 ; oa:end 96 ] ] .
  id:exchange/2024-12-30/cohort/unit-national_guard a pow:Cohort ; rdfs:label "National Guard" ;
      pow:cohortOf id:exchange/2024-12-30 ; pow:unit id:unit/national_guard ; pow:count 49 ;
      pow:evidence id:article/aaaa000000000001/evidence/3 .
  id:article/aaaa000000000001/evidence/3 a pow:Evidence ; oa:hasBody id:exchange/2024-12-30/cohort/unit-national_guard ;
      pow:supports pow:count ; rdf:value 49 ;
      oa:hasTarget [ a oa:SpecificResource ; oa:hasSource id:article/aaaa000000000001 ;
          oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "49 National Guard soldiers" ] ,
                         [ a oa:TextPositionSelector ; oa:start 120 ; oa:end 146 ] ] .
  id:exchange/2024-12-30/cohort/defended-azovstal a pow:Cohort ; rdfs:label "Azovstal" ;
      pow:cohortOf id:exchange/2024-12-30 ; pow:locationDefended id:place/azovstal ; pow:count 12 ;
      pow:evidence id:article/aaaa000000000001/evidence/4 .
  id:article/aaaa000000000001/evidence/4 a pow:Evidence ; oa:hasBody id:exchange/2024-12-30/cohort/defended-azovstal ;
      pow:supports pow:count ; rdf:value 12 ;
      oa:hasTarget [ a oa:SpecificResource ; oa:hasSource id:article/aaaa000000000001 ;
          oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "12 defenders of Azovstal" ] ,
                         [ a oa:TextPositionSelector ; oa:start 150 ; oa:end 174 ] ] .
  id:article/aaaa000000000001/total/0 a pow:RunningTotal ; rdfs:label "3956 (returned)" ;
      pow:count 3956 ; pow:measure "returned" ; pow:since "full_scale_invasion" ;
      pow:scope "3,956 returned since the full-scale invasion" ; pow:asOf "2024-12-30"^^xsd:date ;
      pow:statedIn id:article/aaaa000000000001 ; pow:attributedTo id:agent/coordination_headquarters .
}

<https://w3id.org/powkg/graph/article/bbbb000000000002> {
  id:article/bbbb000000000002 a pow:Article ; dcterms:identifier "d02" ; rdfs:label "Prisoner swap: 189 return" ;
      dcterms:title "Prisoner swap: 189 return" ; dcterms:publisher "Other Daily" ;
      schema:datePublished "2024-12-31"^^xsd:date .
  id:exchange/2024-12-30 a pow:Exchange ; rdfs:label "Exchange of 2024-12-30" ;
      pow:reportedIn id:article/bbbb000000000002 ;
      pow:date "2024-12-30"^^xsd:date ; pow:returnedToUkraine 189 ;
      pow:evidence id:article/bbbb000000000002/evidence/0 .
  id:article/bbbb000000000002/evidence/0 a pow:Evidence ; oa:hasBody id:exchange/2024-12-30 ;
      pow:supports pow:returnedToUkraine ; rdf:value 189 ;
      oa:hasTarget [ a oa:SpecificResource ; oa:hasSource id:article/bbbb000000000002 ;
          oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "189 Ukrainians returned home" ] ,
                         [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 28 ] ] .
  id:exchange/2025-01-15 a pow:Exchange ; rdfs:label "Exchange of 2025-01-15" ;
      pow:reportedIn id:article/bbbb000000000002 ; pow:date "2025-01-15"^^xsd:date ; pow:returnedToUkraine 25 .
}

<https://w3id.org/powkg/graph/inferred> {
  id:place/azovstal pow:locatedIn id:place/donetsk_oblast .
  id:exchange/2024-12-30 pow:hasCohort id:exchange/2024-12-30/cohort/unit-national_guard,
      id:exchange/2024-12-30/cohort/defended-azovstal .
}

<https://w3id.org/powkg/graph/quarantine/cccc000000000003> {
  id:exchange/1999-01-01 a pow:Exchange ; pow:date "1999-01-01"^^xsd:date ; pow:returnedToUkraine 999 ;
      pow:reportedIn id:article/cccc000000000003 .
  id:article/cccc000000000003 a pow:Article ; dcterms:identifier "q01" .
}
"""


def expand_ids(trig: str) -> str:
    """``id:exchange/2024-12-30`` written as the IRI it abbreviates (a Turtle local name cannot hold '/')."""
    return re.sub(r"\bid:([\w/.+-]*[\w/+-])", rf"<{ID}\1>", trig)


def load_trig(store: Store, trig: str) -> None:
    """Each named graph of a TriG document into ``store``, through the store's own replace_graph."""
    graphs: dict[str, Graph] = {}
    for quad in ox.parse(expand_ids(trig), format=ox.RdfFormat.TRIG):
        name = quad.graph_name.value  # type: ignore[union-attr]
        graphs.setdefault(name, Graph()).add(
            (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    for name, graph in graphs.items():
        store.replace_graph(name, graph)


def test_settings(**environ: str) -> Settings:
    """Settings as the server would read them from this environment (nothing from the real one)."""
    return load_settings({"store": "memory:"}, environ=environ)


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


@contextmanager
def running(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Serve ``app`` with uvicorn on 127.0.0.1 and an OS-picked port; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True)
    thread.start()
    try:
        wait_for_health(url, 20, lambda: None if thread.is_alive() else f"the test server at {url} stopped")
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@pytest.fixture(scope="session")
def fixture_store() -> Iterator[Store]:
    store = open_store("memory:")
    load_trig(store, FIXTURE)
    yield store
    store.close()


@pytest.fixture(scope="session")
def server(fixture_store: Store) -> Iterator[str]:
    """The fixture graph served with an update token, so both sides of the read-only rule can be tried."""
    settings = test_settings(POWKG_UPDATE_TOKEN=TOKEN, POWKG_QUERY_TIMEOUT="20", POWKG_RESULT_LIMIT="5000",
                             POWKG_CORS_ORIGINS="https://analyst.example")
    with running(create_app(settings, fixture_store)) as url:
        yield url


@pytest.fixture(scope="session")
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as session:
        yield session


def wait_for_health(url: str, seconds: float, stopped: Callable[[], str | None]) -> None:
    """Wait until ``url``/health answers 200. AssertionError with what ``stopped()`` says when the server
    has stopped (it returns None while it runs), or when ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        problem = stopped()
        assert problem is None, problem
        assert time.monotonic() < deadline, f"the server at {url} did not answer within {seconds:.0f} s"
        time.sleep(0.05)
