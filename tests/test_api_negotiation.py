"""Content negotiation as the best SPARQL servers do it: q-values, wildcards, specificity, 406."""

from __future__ import annotations

import pytest

from powkg.api.negotiation import GRAPHS, HTML, RESULTS, negotiate
from powkg.errors import NotAcceptable, QueryError

LINKED = (HTML, *GRAPHS)

CASES = [
    # (id, offers, Accept, chosen name)
    ("no header", RESULTS, None, "json"),
    ("anything", RESULTS, "*/*", "json"),
    ("exact", RESULTS, "text/csv", "csv"),
    ("alias", RESULTS, "application/json", "json"),
    ("xml alias", RESULTS, "text/xml", "xml"),
    ("q-values", RESULTS, "application/sparql-results+json;q=0.5, text/tab-separated-values", "tsv"),
    ("client order between equals", RESULTS, "text/csv, application/sparql-results+xml", "csv"),
    ("type wildcard", GRAPHS, "text/*", "turtle"),
    ("wildcard below an exact type", GRAPHS, "*/*;q=0.1, application/ld+json", "jsonld"),
    ("q=0 refuses what a wildcard allows", RESULTS, "*/*, application/sparql-results+json;q=0", "xml"),
    ("most specific range decides", GRAPHS, "text/turtle;q=0, text/*;q=1, */*;q=0.5", "ntriples"),
    ("browser", LINKED, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
    ("curl", LINKED, "*/*", "html"),
    ("SPARQLWrapper turtle", GRAPHS, "application/turtle,text/turtle", "turtle"),
    ("SPARQLWrapper json-ld", GRAPHS, "application/ld+json,application/x-json+ld", "jsonld"),
    ("malformed entries are skipped", RESULTS, "garbage, text/csv;q=abc, text/tab-separated-values", "tsv"),
]


@pytest.mark.parametrize(("offers", "accept", "chosen"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_negotiate(offers, accept, chosen):
    assert negotiate(accept, offers).name == chosen


def test_nothing_acceptable_lists_what_is():
    with pytest.raises(NotAcceptable) as raised:
        negotiate("image/png, text/turtle", RESULTS)
    assert raised.value.offered == ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"]


@pytest.mark.parametrize(("value", "chosen"), [("json", "json"), ("CSV", "csv"), ("text/tab-separated-values", "tsv"),
                                               ("srx", "xml")])
def test_format_parameter_overrides_accept(value, chosen):
    assert negotiate("application/sparql-results+json", RESULTS, format_param=value).name == chosen


def test_format_parameter_for_another_kind_of_answer_is_not_acceptable():
    with pytest.raises(NotAcceptable):
        negotiate(None, RESULTS, format_param="turtle")


def test_unknown_format_parameter_is_a_bad_request():
    with pytest.raises(QueryError, match="unknown format 'yaml'"):
        negotiate(None, RESULTS, format_param="yaml")
