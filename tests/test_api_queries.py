"""The curated queries of queries/ as documented GET routes, against a real server and the fixture graph."""

from __future__ import annotations

import pytest

from http_server import EXCHANGE, ID, POW, client, fixture_store, server  # noqa: F401

AGENT = ID + "agent/"

# name -> (parameters, the answer as a table: one tuple per row, in the variables' order; None is unbound)
EXPECTED: dict[str, tuple[dict[str, str], list[tuple[str | None, ...]]]] = {
    "exchanges-by-date": ({}, [
        (EXCHANGE, "2024-12-30", None, "150 / 189", "d01, d02"),
        (ID + "exchange/2025-01-15", "2025-01-15", None, "25", "d02")]),
    "conflicts": ({}, [
        (EXCHANGE, "Exchange of 2024-12-30", POW + "returnedToUkraine", "150", "d01"),
        (EXCHANGE, "Exchange of 2024-12-30", POW + "returnedToUkraine", "189", "d02")]),
    "evidence": ({"node": EXCHANGE}, [
        (EXCHANGE, POW + "date", "2024-12-30", "on December 30", "35", "49", None, "d01"),
        (EXCHANGE, POW + "mediatedBy", AGENT + "united_arab_emirates",
         "with the mediation of the United Arab Emirates", "50", "96", None, "d01"),
        (EXCHANGE, POW + "returnedToUkraine", "150", "Ukraine brought home 150 defenders", "0", "34",
         "Coordination Headquarters", "d01"),
        (EXCHANGE, POW + "returnedToUkraine", "189", "189 Ukrainians returned home", "0", "28", None, "d02")]),
    "exchange-breakdown": ({"exchange": EXCHANGE}, [
        (EXCHANGE + "/cohort/unit-national_guard", "National Guard", "49", None, None, "d01"),
        (EXCHANGE + "/cohort/defended-azovstal", "Azovstal", "12", None, None, "d01")]),
    "running-totals": ({}, [
        (ID + "article/aaaa000000000001/total/0", "3956", None, "returned", "full_scale_invasion", "2024-12-30",
         "Coordination Headquarters", "3,956 returned since the full-scale invasion", "d01")]),
    "totals-per-mediator": ({}, [(AGENT + "united_arab_emirates", "United Arab Emirates", "1", "189")]),
    "totals-per-year": ({}, [("2024", "1", "150", "0"), ("2025", "1", "25", "0")]),
    # Azovstal lies in Donetsk Oblast only through the inferred graph's transitive closure of locatedIn.
    "cohorts-defending-place": ({}, [(EXCHANGE + "/cohort/defended-azovstal", "Azovstal", "Azovstal", "12", EXCHANGE)]),
}

# GROUP_CONCAT joins values in no guaranteed order: compare them sorted.
_SEPARATORS = (" / ", ", ")


def _normal(value: str) -> str:
    for separator in _SEPARATORS:
        if separator in value and not value[0].isdigit() or separator == " / " and separator in value:
            return separator.join(sorted(value.split(separator)))
    return value


def as_table(results: dict) -> list[tuple[str | None, ...]]:  # type: ignore[type-arg]
    """SPARQL JSON results as rows of values; duplicate rows kept once (see conflicts below)."""
    names = results["head"]["vars"]
    rows = [tuple(_normal(b[n]["value"]) if n in b else None for n in names) for b in results["results"]["bindings"]]
    return list(dict.fromkeys(rows))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_curated_query_route(client, name):  # noqa: F811
    params, expected = EXPECTED[name]
    response = client.get(f"/queries/{name}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    assert as_table(response.json()) == expected


@pytest.mark.parametrize(("fmt", "first_line"), [
    ("csv", "year,exchanges,returned,withoutTotal\r\n"), ("tsv", "?year\t?exchanges\t?returned\t?withoutTotal\n"),
    ("xml", '<?xml version="1.0"?>\n')])
def test_curated_query_in_other_formats(client, fmt, first_line):  # noqa: F811
    response = client.get("/queries/totals-per-year", params={"format": fmt})
    assert response.text.startswith(first_line)


def test_typed_parameters_are_bound(client):  # noqa: F811
    response = client.get("/queries/exchanges-by-date", params={"year": "2025"})
    assert [row[0] for row in as_table(response.json())] == [ID + "exchange/2025-01-15"]


@pytest.mark.parametrize(("route", "params", "message"), [
    ("exchanges-by-date", {"year": "twenty"}, "invalid parameter: year: Input should be a valid integer, unable to "
                                              "parse string as an integer (got 'twenty')"),
    ("exchange-breakdown", {}, "invalid parameter: exchange: Field required"),
    ("evidence", {"node": "not an iri"}, "parameter 'node': 'not an iri' is not a valid iri (not an absolute IRI)"),
    ("evidence", {"node": "http://x/> } ; DROP ALL ; <http://y"}, "parameter 'node': "
     "'http://x/> } ; DROP ALL ; <http://y' is not a valid iri (not an absolute IRI)"),
])
def test_bad_parameter_values_are_refused(client, route, params, message):  # noqa: F811
    response = client.get(f"/queries/{route}", params=params)
    assert response.status_code == 400
    assert response.json()["detail"] == message


def test_a_string_parameter_cannot_change_the_query(client):  # noqa: F811
    injection = 'returned" || true) } UNION { ?claim ?p ?o } #'
    response = client.get("/queries/running-totals", params={"measure": injection})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []


def test_the_list_of_queries(client):  # noqa: F811
    listing = {q["name"]: q for q in client.get("/queries").json()}
    assert set(listing) == set(EXPECTED)
    assert listing["exchanges-by-date"]["route"] == "/queries/exchanges-by-date"
    assert listing["exchanges-by-date"]["parameters"] == [
        {"name": "year", "type": "integer", "required": False, "default": None,
         "description": "only exchanges of this year"}]
    assert listing["exchange-breakdown"]["parameters"][0]["required"] is True


def test_the_list_of_queries_for_people(client):  # noqa: F811
    page = client.get("/queries", headers={"Accept": "text/html"}).text
    for name in EXPECTED:
        assert f'<form method="get" action="/queries/{name}">' in page
    assert '<input type="number" name="year">' in page


def test_a_curated_query_for_people_is_a_table(client):  # noqa: F811
    page = client.get("/queries/totals-per-year", headers={"Accept": "text/html,*/*;q=0.8"}).text
    assert "<th>year</th><th>exchanges</th><th>returned</th><th>withoutTotal</th>" in page
    assert '<p class="count">2 rows</p>' in page


def test_each_curated_query_is_in_the_openapi_document(client):  # noqa: F811
    paths = client.get("/openapi.json").json()["paths"]
    for name in EXPECTED:
        assert f"/queries/{name}" in paths
    operation = paths["/queries/exchanges-by-date"]["get"]
    assert operation["summary"] == "Exchanges by date"
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["year"]["schema"]["anyOf"][0] == {"type": "integer"}
    assert parameters["year"]["description"] == "only exchanges of this year (integer)"
    breakdown = {p["name"]: p for p in paths["/queries/exchange-breakdown"]["get"]["parameters"]}
    assert breakdown["exchange"]["required"] is True
    assert "/sparql" in paths and "/id/{path}" in paths and "/export" in paths and "/validation" in paths
