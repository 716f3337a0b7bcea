"""SPARQLWrapper, the client most Python users have, against a real server: every result format it
supports for every query form, by GET, by POST form and by POST direct, and every curated query."""

from __future__ import annotations

import csv
import io
from xml.dom.minidom import Document

import pytest
from rdflib import Graph, Literal, URIRef
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from http_server import ARTICLE_A, EXCHANGE, ID, POW, client, fixture_store, server  # noqa: F401
from powkg.queries import load_queries
from powkg.settings import load_settings
from test_api_queries import EXPECTED, as_table

# SPARQLWrapper reads JSON-LD into an rdflib ConjunctiveGraph, which rdflib 7.6 marks deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

TOTALS = f"""PREFIX pow: <{POW}>
SELECT ?exchange ?returned WHERE {{ ?exchange pow:returnedToUkraine ?returned }} ORDER BY ?returned"""
ASK_CONFLICT = f"PREFIX pow: <{POW}> ASK {{ <{EXCHANGE}> pow:returnedToUkraine 150, 189 }}"
CONSTRUCT = f"""PREFIX pow: <{POW}>
CONSTRUCT {{ ?exchange pow:returnedToUkraine ?returned }} WHERE {{ ?exchange pow:returnedToUkraine ?returned }}"""
DESCRIBE = f"DESCRIBE <{ARTICLE_A}>"
EXPECTED_TOTALS = [(EXCHANGE_2025 := ID + "exchange/2025-01-15", "25"), (EXCHANGE, "150"), (EXCHANGE, "189")]

TRANSPORTS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]
TRANSPORT_IDS = ["GET", "POST form", "POST direct"]


def wrapper(url: str, query: str, fmt: str, method: str, request: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(url + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    sparql.setRequestMethod(request)
    return sparql


def rows_of(fmt: str, converted: object) -> list[tuple[str, str]]:
    if fmt == JSON:
        assert isinstance(converted, dict)
        return [(b["exchange"]["value"], b["returned"]["value"]) for b in converted["results"]["bindings"]]
    if fmt == XML:
        assert isinstance(converted, Document)
        rows = []
        for result in converted.getElementsByTagName("result"):
            cells = {b.getAttribute("name"): b.firstChild.firstChild.nodeValue  # type: ignore[union-attr]
                     for b in result.getElementsByTagName("binding")}
            rows.append((cells["exchange"], cells["returned"]))
        return rows
    assert isinstance(converted, bytes)
    text = converted.decode("utf-8")
    if fmt == CSV:
        return [(r["exchange"], r["returned"]) for r in csv.DictReader(io.StringIO(text))]
    lines = [line.split("\t") for line in text.splitlines()]
    assert lines[0] == ["?exchange", "?returned"]
    return [(e.strip("<>"), r.split("^^")[0].strip('"')) for e, r in lines[1:]]


@pytest.mark.parametrize(("method", "request_method"), TRANSPORTS, ids=TRANSPORT_IDS)
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_select_in_every_format(server, fmt, method, request_method):  # noqa: F811
    converted = wrapper(server, TOTALS, fmt, method, request_method).query().convert()
    assert rows_of(fmt, converted) == EXPECTED_TOTALS


@pytest.mark.parametrize(("method", "request_method"), TRANSPORTS, ids=TRANSPORT_IDS)
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_ask_in_every_format(server, fmt, method, request_method):  # noqa: F811
    converted = wrapper(server, ASK_CONFLICT, fmt, method, request_method).query().convert()
    if fmt == JSON:
        assert converted == {"head": {}, "boolean": True}
    elif fmt == XML:
        assert converted.getElementsByTagName("boolean")[0].firstChild.nodeValue == "true"  # type: ignore[union-attr]
    else:
        assert converted.decode().split() == (["_askResult", "true"] if fmt == CSV else ["?_askResult", "true"])


def as_graph(fmt: str, converted: object) -> Graph:
    if isinstance(converted, Graph):
        return converted
    assert isinstance(converted, bytes)
    return Graph().parse(data=converted.decode("utf-8"), format="turtle")


@pytest.mark.parametrize(("method", "request_method"), TRANSPORTS, ids=TRANSPORT_IDS)
@pytest.mark.parametrize("fmt", [TURTLE, N3, XML, RDFXML, JSONLD])
def test_construct_in_every_format(server, fmt, method, request_method):  # noqa: F811
    graph = as_graph(fmt, wrapper(server, CONSTRUCT, fmt, method, request_method).query().convert())
    returned = URIRef(POW + "returnedToUkraine")
    assert sorted((str(s), int(o)) for s, _, o in graph.triples((None, returned, None))) == [
        (EXCHANGE, 150), (EXCHANGE, 189), (EXCHANGE_2025, 25)]


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD])
def test_describe_in_every_format(server, fmt):  # noqa: F811
    graph = as_graph(fmt, wrapper(server, DESCRIBE, fmt, GET, URLENCODED).query().convert())
    article = URIRef(ARTICLE_A)
    assert graph.value(article, URIRef("http://purl.org/dc/terms/identifier")) == Literal("d01")
    assert graph.value(article, URIRef("http://purl.org/dc/terms/publisher")) == Literal("Example News")


def test_a_malformed_query_reaches_sparqlwrapper_as_its_error(server):  # noqa: F811
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed, match="malformed SPARQL query"):
        wrapper(server, "SELECT * WHERE { ?s ", JSON, GET, URLENCODED).query()


CURATED = load_queries(load_settings({}, environ={}).queries_dir)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_curated_query_through_sparqlwrapper(server, name):  # noqa: F811
    params, expected = EXPECTED[name]
    converted = wrapper(server, CURATED[name].bind(params), JSON, POST, URLENCODED).query().convert()
    assert isinstance(converted, dict)
    assert as_table(converted) == expected


def test_every_curated_query_is_covered():
    assert set(EXPECTED) == set(CURATED)
