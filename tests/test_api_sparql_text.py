"""What the endpoint reads from a SPARQL text before running it: its form, SERVICE, LOAD, FROM."""

from __future__ import annotations

import pytest

from powkg.api.sparql_text import inspect

CASES = [
    # (id, text, form, fetches, has FROM)
    ("select", "SELECT * WHERE { ?s ?p ?o }", "SELECT", set(), False),
    ("prologue", "BASE <http://x/> PREFIX ex: <http://x/> ASK { ex:a ?p ?o }", "ASK", set(), False),
    ("construct", "construct where { ?s ?p ?o }", "CONSTRUCT", set(), False),
    ("describe", "DESCRIBE <http://x/a>", "DESCRIBE", set(), False),
    ("service", "SELECT * { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", "SELECT", {"SERVICE"}, False),
    ("service any case", "select * { sErViCe silent <http://a/> { ?s ?p ?o } }", "SELECT", {"SERVICE"}, False),
    ("service glued to its IRI", "SELECT * {SERVICE<http://a/>{?s ?p ?o}}", "SELECT", {"SERVICE"}, False),
    ("service through a variable", "SELECT * { VALUES ?e { <http://a/> } SERVICE ?e { ?s ?p ?o } }",
     "SELECT", {"SERVICE"}, False),
    ("service in a subquery", "SELECT * { { SELECT * { SERVICE <http://a/> { ?s ?p ?o } } } }",
     "SELECT", {"SERVICE"}, False),
    ("service written with an escape", "SELECT * { \\u0053ERVICE <http://a/> { ?s ?p ?o } }",
     "SELECT", {"SERVICE"}, False),
    ("service after an unterminated string", 'SELECT * { ?s ?p "x . SERVICE <http://a/> { ?s ?p ?o } }',
     "SELECT", {"SERVICE"}, False),
    ("word in a string", 'SELECT * { ?s ?p "SERVICE LOAD" }', "SELECT", set(), False),
    ("word in a long string", "SELECT * { ?s ?p '''a\nSERVICE <http://a/> {}\n''' }", "SELECT", set(), False),
    ("word in a comment", "SELECT * { ?s ?p ?o } # SERVICE <http://a/>", "SELECT", set(), False),
    ("word in an IRI", "SELECT * { ?s <http://x/SERVICE> ?o }", "SELECT", set(), False),
    ("variable named service", "SELECT ?service { ?service ?p ?load }", "SELECT", set(), False),
    ("prefixed names", "PREFIX service: <http://x/> SELECT * { ?s service:load ex:service }", "SELECT", set(), False),
    ("load", "LOAD <http://127.0.0.1:1/data.ttl>", "LOAD", {"LOAD"}, False),
    ("load after an insert", "INSERT DATA { <http://a> <http://b> 1 } ; LOAD SILENT <http://c/> INTO GRAPH <http://d>",
     "INSERT", {"LOAD"}, False),
    ("update", "PREFIX ex: <http://x/> DELETE WHERE { ?s ?p ?o }", "DELETE", set(), False),
    ("with", "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH", set(), False),
    ("from", "SELECT * FROM <http://g> WHERE { ?s ?p ?o }", "SELECT", set(), True),
    ("from named", "SELECT * FROM NAMED <http://g> { GRAPH ?g { ?s ?p ?o } }", "SELECT", set(), True),
    ("nothing", "this is not SPARQL", "", set(), False),
]


@pytest.mark.parametrize(("text", "form", "fetches", "has_from"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_inspect(text, form, fetches, has_from):
    operation = inspect(text)
    assert operation.form == form
    assert set(operation.fetches) == fetches
    assert operation.has_dataset is has_from
