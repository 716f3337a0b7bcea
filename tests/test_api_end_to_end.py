"""From the bundled articles to the HTTP layer: two articles of data/sample go through the pipeline
(read, extract, map, check, store, reason), and the served graph answers for them."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import JSON, SPARQLWrapper

from http_server import running, test_settings
from powkg.api import create_app
from powkg.pipeline import Project, ingest, reason
from powkg.settings import PROJECT_ROOT
from powkg.store import open_store

SAMPLE = PROJECT_ROOT / "data" / "sample"
ARTICLES = ("d01", "d02")
POW = "https://w3id.org/powkg/ontology#"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built() -> Iterator[str]:
    settings = test_settings()
    project = Project.load(settings)
    store = open_store("memory:")
    outcomes = ingest([SAMPLE / f"{name}.txt" for name in ARTICLES], store, project)
    assert [o.status for o in outcomes] == ["stored", "stored"], [o.reason for o in outcomes]
    reason(store, project)
    with running(create_app(settings, store, project=project)) as url:
        yield url
    store.close()


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_articles_are_served(built):
    sparql = SPARQLWrapper(built + "/sparql")
    sparql.setQuery(f"PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?id WHERE {{ ?a a <{POW}Article> ; "
                    "dcterms:identifier ?id } ORDER BY ?id")
    sparql.setReturnFormat(JSON)
    answer = sparql.query().convert()
    assert [b["id"]["value"] for b in answer["results"]["bindings"]] == list(ARTICLES)  # type: ignore[index]


def test_an_exchange_page_quotes_its_article(built):
    rows = httpx.get(built + "/queries/exchanges-by-date").json()["results"]["bindings"]
    assert rows, "the sample articles report exchanges"
    exchange = rows[0]["exchange"]["value"]
    source = rows[0]["sources"]["value"].split(", ")[0]
    path = "/" + exchange.removeprefix("https://w3id.org/powkg/")
    page = httpx.get(built + path, headers={"Accept": "text/html"})
    assert page.status_code == 200
    quotes = re.findall(r'<blockquote class="evidence">(?:<span class="qualifier">[^<]*</span> )?“(.*?)”', page.text)
    assert quotes, "every value on the page comes with the words that state it"
    text = _words((SAMPLE / f"{source}.txt").read_text(encoding="utf-8"))
    assert any(_words(html.unescape(q)) in text for q in quotes)
    turtle = httpx.get(built + path, headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert any(graph.objects(None, URIRef("http://www.w3.org/ns/oa#exact")))


def test_the_export_holds_both_article_graphs(built):
    trig = httpx.get(built + "/export/powkg.trig").text
    assert trig.count("graph/article/") >= 2
