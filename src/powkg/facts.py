"""The graph's facts as JSON, in the schema of the gold files (DESIGN.md, "The facts, as JSON").

Read from the graph with SPARQL, so the JSON shows what the graph holds, not what the extractor meant
to write. ``article_facts`` reads one article's own named graph; ``exchange_facts`` reads the union,
where several articles meet on one exchange: a value the sources disagree on is shown as a conflict
listing each value with the articles that state it, never merged.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import Literal
from rdflib.term import Node

from .iris import Iris
from .store import Store

PREFIXES = """
PREFIX pow: <{pow}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""

# Each stated value of an exchange, with the article that states it (through its evidence).
EXCHANGE_VALUES = """
SELECT ?exchange ?prop ?value ?key ?label ?article WHERE {
  ?exchange a pow:Exchange ; pow:evidence ?ev .
  ?ev pow:supports ?prop ; rdf:value ?value ; oa:hasTarget/oa:hasSource ?a .
  ?a dcterms:identifier ?article .
  OPTIONAL { ?value skos:notation ?key }
  OPTIONAL { ?value rdfs:label ?label FILTER(lang(?label) = "en" || lang(?label) = "") }
}"""

EXCHANGE_PLAIN = """
SELECT ?exchange ?dateText ?scope ?previous ?previousDateText WHERE {
  ?exchange a pow:Exchange .
  OPTIONAL { ?exchange pow:dateAsWritten ?dateText }
  OPTIONAL { ?exchange pow:ordinalScope ?scope }
  OPTIONAL { ?exchange pow:previousExchange ?previous OPTIONAL { ?previous pow:dateAsWritten ?previousDateText } }
}"""

COHORTS = """
SELECT ?exchange ?cohort ?prop ?value ?unit ?category ?scheme ?place ?placeLabel ?otherKey ?article WHERE {
  ?cohort pow:cohortOf|^pow:otherCount ?exchange ; pow:evidence ?ev .
  ?ev pow:supports ?prop ; rdf:value ?value ; oa:hasTarget/oa:hasSource ?a .
  FILTER(?prop IN (pow:count, pow:minCount))
  ?a dcterms:identifier ?article .
  OPTIONAL { ?cohort pow:unit/skos:notation ?unit }
  OPTIONAL { ?cohort pow:personCategory ?c . ?c skos:notation ?category . OPTIONAL { ?c skos:inScheme ?scheme } }
  OPTIONAL { ?cohort pow:locationDefended ?p . ?p skos:notation ?place ; rdfs:label ?placeLabel
             FILTER(lang(?placeLabel) = "en") }
  OPTIONAL { ?cohort pow:countKey ?otherKey }
}"""

# Which group each article says a cohort is part of. A query of its own: Virtuoso 7 drops the rows of
# such an OPTIONAL (a path joined to an outer variable) depending on its plan, and so on what it held before.
PARENTS = """
SELECT DISTINCT ?cohort ?parent ?article WHERE {
  ?cohort pow:partOf ?parent .
  ?evidence oa:hasBody ?cohort ; pow:supports pow:partOf ; oa:hasTarget ?target .
  ?target oa:hasSource ?a .
  ?a dcterms:identifier ?article .
}"""

ARTICLES = """
SELECT ?article ?id ?language ?published ?author ?publisher ?source ?graph WHERE {
  ?article a pow:Article ; dcterms:identifier ?id .
  OPTIONAL { ?article dcterms:language ?language }
  OPTIONAL { ?article schema:datePublished ?published }
  OPTIONAL { ?article schema:author ?author }
  OPTIONAL { ?article dcterms:publisher ?publisher }
  OPTIONAL { ?article dcterms:source ?source }
}"""

RUNNING_TOTALS = """
SELECT ?total ?count ?min ?qualifier ?scope ?measure ?since ?asOf ?agentLabel ?upTo WHERE {
  ?total a pow:RunningTotal ; pow:scope ?scope ; pow:measure ?measure .
  OPTIONAL { ?total pow:count ?count }
  OPTIONAL { ?total pow:minCount ?min }
  OPTIONAL { ?total pow:qualifier ?qualifier }
  OPTIONAL { ?total pow:since ?since }
  OPTIONAL { ?total pow:asOf ?asOf }
  OPTIONAL { ?total pow:countsUpTo ?upTo }
  OPTIONAL { ?total pow:attributedTo/rdfs:label ?agentLabel FILTER(lang(?agentLabel) = "en" || lang(?agentLabel) = "") }
} ORDER BY ?total"""

_SCALAR = {"date": "date", "returnedToUkraine": "returned_total", "ordinal": "ordinal",
           "handedOverToRussia": "russians_handed_over", "oldestAge": "oldest_age", "youngestAge": "youngest_age"}
_LISTS = {"mediatedBy": "mediators", "locationDefended": "locations", "placeCaptured": "locations",
          "unitNamed": "units_named_without_counts"}


def _py(value: Node) -> Any:
    if isinstance(value, Literal):
        python = value.toPython()
        return python if isinstance(python, int | float | bool) else str(value)
    return str(value)


class FactsReader:
    """Reads exchanges and running totals from a store with SPARQL."""

    def __init__(self, store: Store, iris: Iris | None = None) -> None:
        self.store = store
        self.iris = iris or Iris()
        self.prefixes = PREFIXES.format(pow=self.iris.pow)

    def _rows(self, query: str, graphs: list[str] | None) -> tuple[dict[str, Node], ...]:
        return self.store.query(self.prefixes + query, default_graphs=graphs).rows

    # -- public ---------------------------------------------------------------------------------
    def article_facts(self) -> list[dict[str, Any]]:
        """One entry per article, each read from that article's own named graph (and the vocabulary)."""
        entries = []
        for name in sorted(g for g in self.store.graph_names() if self.iris.is_article_graph(g)):
            graphs = [name, self.iris.ontology_graph]
            for row in self._rows(ARTICLES, graphs):
                exchanges = self.exchanges(graphs)
                entries.append({
                    "id": str(row["id"]),
                    "file": _py(row["source"]) if "source" in row else None,
                    "language": _py(row["language"]) if "language" in row else None,
                    "published": _py(row["published"]) if "published" in row else None,
                    "author": _py(row["author"]) if "author" in row else None,
                    "publisher": _py(row["publisher"]) if "publisher" in row else None,
                    "kind": "exchange" if exchanges else "negative",
                    "exchanges": exchanges,
                    "cumulative": self.running_totals(graphs),
                })
        return sorted(entries, key=lambda e: e["id"])

    def exchange_facts(self) -> list[dict[str, Any]]:
        """Every exchange in the union of article graphs; disagreements shown as conflicts. Of the texts
        articles word differently (the date as written, the series counted, the previous exchange), the
        first in code-point order."""
        return self.exchanges(None)

    # -- exchanges ------------------------------------------------------------------------------
    def exchanges(self, graphs: list[str] | None) -> list[dict[str, Any]]:
        facts: dict[str, dict[str, Any]] = {}
        values: dict[tuple[str, str], dict[Any, set[str]]] = defaultdict(lambda: defaultdict(set))
        for row in self._rows(EXCHANGE_VALUES, graphs):
            exchange = str(row["exchange"])
            entry = facts.setdefault(exchange, _empty(exchange))
            prop = str(row["prop"]).rsplit("#", 1)[-1]
            entry["sources"].add(str(row["article"]))
            if prop in _LISTS:
                label = str(row.get("label", row.get("key", row["value"])))
                if label not in entry[_LISTS[prop]]:
                    entry[_LISTS[prop]].append(label if prop != "unitNamed" else str(row.get("key", label)))
            elif prop in _SCALAR:
                values[(exchange, _SCALAR[prop])][_py(row["value"])].add(str(row["article"]))
        for (exchange, key), by_value in values.items():
            value = _one_or_conflict(by_value)
            if key == "date" and isinstance(value, str) and value.startswith("--"):
                facts[exchange]["month_day"] = value
            elif key in ("date", "returned_total", "ordinal"):
                facts[exchange][key] = value
            else:
                facts[exchange]["other_counts"][key] = value
        texts: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in self._rows(EXCHANGE_PLAIN, graphs):
            exchange = str(row["exchange"])
            if exchange not in facts:
                continue
            if "dateText" in row:
                texts[(exchange, "date_text")].add(str(row["dateText"]))
            if "scope" in row:
                texts[(exchange, "ordinal_scope")].add(str(row["scope"]))
            if "previous" in row:
                texts[(exchange, "previous_exchange")].add(str(row.get("previousDateText", row["previous"])))
        for (exchange, key), given in texts.items():
            # Articles word these differently ("24 March", "Thursday"); one is shown, chosen by the text
            # alone: the store's row order differs between stores and with what a server held before.
            facts[exchange][key] = min(given)
        self._cohorts(facts, graphs)
        result = []
        for entry in facts.values():
            entry["sources"] = sorted(entry["sources"])
            result.append(entry)
        return sorted(result, key=lambda e: (e["date"] is None, str(e["date"]), e["id"]))

    def _cohorts(self, facts: dict[str, dict[str, Any]], graphs: list[str] | None) -> None:
        counts: dict[tuple[str, str, str], dict[Any, set[str]]] = defaultdict(lambda: defaultdict(set))
        keys: dict[str, str] = {}
        parents: dict[str, set[str]] = defaultdict(set)
        stated_parents: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in self._rows(PARENTS, graphs):
            stated_parents[(str(row["cohort"]), str(row["article"]))].add(str(row["parent"]))
        rows = self._rows(COHORTS, graphs)
        for row in rows:
            # A cohort of two categories has a row for each: the same key whatever the store's row order.
            key, cohort = _cohort_key(row), str(row["cohort"])
            keys[cohort] = min(key, keys.get(cohort, key))
        for row in rows:
            exchange, cohort = str(row["exchange"]), str(row["cohort"])
            if exchange not in facts:
                continue
            field, key = _cohort_field(row)
            lower = str(row["prop"]).endswith("minCount")
            if lower:
                key = f"{key}_min"
                bound = f"{key.removesuffix('_min')}: at least {_py(row['value'])}"
                if bound not in facts[exchange]["counts_are_lower_bounds"]:
                    facts[exchange]["counts_are_lower_bounds"].append(bound)
            counts[(exchange, field, key)][_py(row["value"])].add(str(row["article"]))
            for parent in filter(None, map(keys.get, stated_parents[(cohort, str(row["article"]))])):
                # A place inside a place is already told by location_counts; the gold schema nests groups.
                if not (keys[cohort].startswith("location:") and parent.startswith("location:")):
                    parents[exchange].add(f"{keys[cohort]} in {parent}")
        for (exchange, field, key), by_value in counts.items():
            value = _one_or_conflict(by_value)
            if field in ("women", "men"):
                facts[exchange][field] = value
            else:
                facts[exchange][field][key] = value
        for exchange, nested in parents.items():
            facts[exchange]["nested"] = sorted(nested)

    # -- running totals -------------------------------------------------------------------------
    def running_totals(self, graphs: list[str] | None) -> list[dict[str, Any]]:
        claims = []
        for row in self._rows(RUNNING_TOTALS, graphs):
            claim: dict[str, Any] = {
                "count": _py(row["count"]) if "count" in row else _py(row["min"]),
                "scope": str(row["scope"]),
                "measure": str(row["measure"]),
                "as_of": _py(row["asOf"]) if "asOf" in row else None,
                "attributed_to": str(row["agentLabel"]) if "agentLabel" in row else None,
            }
            if "qualifier" in row:
                claim["qualifier"] = str(row["qualifier"])
            if "since" in row:
                claim["since"] = str(row["since"])
            if "upTo" in row:
                claim["counts_up_to"] = str(row["upTo"])
            claims.append(claim)
        return claims


def _empty(exchange: str) -> dict[str, Any]:
    return {"id": exchange, "date": None, "date_text": None, "returned_total": None, "units": {}, "nested": [],
            "ranks": {}, "women": None, "men": None, "mediators": [], "locations": [], "location_counts": {},
            "ordinal": None, "ordinal_scope": None, "counts_are_lower_bounds": [], "other_counts": {},
            "units_named_without_counts": [], "sources": set()}


def _one_or_conflict(by_value: dict[Any, set[str]]) -> Any:
    """The value when every source agrees; else a conflict listing each value with its articles."""
    if len(by_value) == 1:
        return next(iter(by_value))
    return {"conflict": [{"value": v, "articles": sorted(a)} for v, a in sorted(by_value.items(), key=str)]}


def _cohort_key(row: dict[str, Node]) -> str:
    """The key of a cohort in ``nested`` strings: its unit, its category, or location:Label."""
    if "unit" in row:
        return str(row["unit"])
    if "category" in row:
        return str(row["category"])
    if "placeLabel" in row:
        return f"location:{row['placeLabel']}"
    return str(row.get("otherKey", row["cohort"]))


def _cohort_field(row: dict[str, Node]) -> tuple[str, str]:
    """Where a cohort's count goes in the JSON: (field, key)."""
    scheme = str(row.get("scheme", "")).rsplit("/", 1)[-1]
    if "otherKey" in row:
        return "other_counts", str(row["otherKey"])
    if "unit" in row:
        return "units", str(row["unit"])
    if "category" in row:
        category = str(row["category"])
        if scheme == "status":
            return "units", category
        if scheme == "rank":
            return "ranks", category
        if scheme == "sex":
            return category, category
        return "other_counts", category
    if "placeLabel" in row:
        return "location_counts", str(row["placeLabel"])
    return "other_counts", str(row["cohort"]).rsplit("/", 1)[-1]
