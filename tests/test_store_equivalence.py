"""One sample, every store: building data/sample gives the same facts, validation report and curated
query answers in the embedded store, an Oxigraph server and Virtuoso.

The reference is a build into the embedded in-memory store. Blank nodes are compared by position
(every label becomes ``_:b``), rows as a sorted list, a GROUP_CONCAT's parts sorted (SPARQL does not
order them), and the lists inside the facts JSON as sorted
lists (FactsReader keeps the store's row order, which differs even between the embedded stores in
memory and on disk); everything else must be equal.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from rdflib import BNode, Literal
from rdflib.term import Node

from paths import REPO, SAMPLE
from powkg.facts import FactsReader
from powkg.formats import rdf_format
from powkg.pipeline import build
from powkg.queries import load_queries
from powkg.store import Store, open_store

pytestmark = pytest.mark.slow

QUERIES = load_queries(REPO / "queries")
SAMPLE_VALUES = {"iri": "https://w3id.org/powkg/id/exchange/2024-12-30", "integer": "2024",
                 "string": "returned", "date": "2024-12-30"}


def cell(value: Node) -> str:
    """A term as text; a GROUP_CONCAT's parts (joined in no guaranteed order) sorted."""
    if isinstance(value, BNode):
        return "_:b"
    if isinstance(value, Literal):
        for separator in (" / ", ", "):
            if separator in value:
                return Literal(separator.join(sorted(str(value).split(separator))),
                               lang=value.language, datatype=value.datatype).n3()
    return value.n3()


def rows(store: Store, sparql: str) -> list[tuple[tuple[str, str], ...]]:
    answer = store.query(sparql)
    return sorted(tuple(sorted((name, cell(value)) for name, value in row.items())) for row in answer.rows)


def bindings(name: str) -> list[dict[str, str]]:
    """The curated query unbound (when it can be) and bound to sample values."""
    query = QUERIES[name]
    bound = [{p.name: SAMPLE_VALUES[p.type] for p in query.parameters}]
    return ([{}] if not any(p.required for p in query.parameters) else []) + bound


def unordered(value: Any) -> Any:
    """Lists compared as sets: FactsReader lists values (locations, units named) in the store's row order."""
    if isinstance(value, dict):
        return {key: unordered(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((unordered(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    return value


# exchange_facts keeps one of the texts several articles give for these (the last row it reads), so
# which one depends on the store's row order; the article_facts hold every article's own text.
ROW_ORDER_CHOICES = ("date_text", "previous_exchange")


def without_choices(exchanges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in exchange.items() if key not in ROW_ORDER_CHOICES} for exchange in exchanges]


def everything(store: Store, project: Any, result: Any) -> dict[str, Any]:
    reader = FactsReader(store, project.iris)
    exported = io.BytesIO()
    store.export(exported, rdf_format("nquads"), store.graph_names())
    return {
        "outcomes": [(o.source, o.status, o.triples) for o in result.outcomes],
        "inferred": result.inferred,
        "graphs": store.graph_names(),
        "triples": len(exported.getvalue().splitlines()),
        "article_facts": unordered(reader.article_facts()),
        "exchange_facts": unordered(without_choices(reader.exchange_facts())),
        "conforms": result.report.conforms,
        "report": sorted(result.report.results, key=repr),
        "queries": {f"{name} {values}": rows(store, QUERIES[name].bind(values))
                    for name in sorted(QUERIES) for values in bindings(name)},
    }


@pytest.fixture(scope="module")
def reference(project):
    store = open_store("memory:")
    try:
        yield everything(store, project, build([SAMPLE], store, project))
    finally:
        store.close()


def test_the_sample_gives_the_same_answers_in_every_store_and_again_when_built_twice(store, project, reference):
    built = everything(store, project, build([SAMPLE], store, project))
    for key, expected in reference.items():
        assert built[key] == expected, f"{store.descriptor}: {key} differs from the embedded store's"
    again = build([SAMPLE], store, project)
    assert {o.status for o in again.outcomes} <= {"unchanged", "quarantined", "refused"}
    rebuilt = everything(store, project, again)
    for key in ("graphs", "triples", "article_facts", "exchange_facts", "conforms", "report", "queries"):
        assert rebuilt[key] == reference[key], f"{store.descriptor}: {key} changed on the second build"
