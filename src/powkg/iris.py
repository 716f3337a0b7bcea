"""Namespaces and deterministic IRI minting (DESIGN.md, "IRIs").

Everything powkg mints derives from what identifies a thing, so two articles about the same
exchange produce the same exchange IRI, and re-ingesting an article produces the same triples.

    BASE/ontology#Exchange                      ontology terms
    BASE/id/unit/armed_forces                   vocabulary individuals, by kind and key (skos:notation)
    BASE/id/exchange/2024-12-30                 an exchange, by its date
    BASE/id/exchange/2022-04-14-kherson-local   ... and what tells two exchanges of one day apart
    BASE/id/exchange/a-<digest>-2               an exchange with no full date: local to its article
    BASE/id/exchange/2024-12-30/cohort/unit-territorial_defense
                                                a cohort, by its exchange and its categories
    BASE/id/article/<digest>                    an article, by the hash of its cleaned text
    BASE/id/article/<digest>/total/1            a running-total claim of that article
    BASE/id/article/<digest>/evidence/7         an evidence annotation of that article
    BASE/graph/article/<digest>                 the article's named graph
    BASE/graph/ontology, BASE/graph/inferred    the ontology and vocabulary; the inferred triples
    BASE/graph/quarantine/<digest>              an article graph that failed its own check
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

DEFAULT_BASE = "https://w3id.org/powkg/"

OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

# Vocabulary kinds: the path segment under id/ for each class of reference individual.
KINDS = ("unit", "category", "place", "agent")

__all__ = ["DCTERMS", "OA", "OWL", "PROV", "RDF", "RDFS", "SCHEMA", "SKOS", "XSD", "VOID", "SD",
           "Iris", "slug"]


def slug(text: str) -> str:
    """A lowercase IRI-safe token: 'Kherson local' -> 'kherson-local'."""
    return re.sub(r"[^0-9a-z_]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class Iris:
    """IRI minting for one base IRI (the ``base_iri`` setting)."""

    base: str = DEFAULT_BASE

    @property
    def pow(self) -> Namespace:
        return Namespace(self.base + "ontology#")

    @property
    def ontology(self) -> str:
        return self.base + "ontology"

    @property
    def id(self) -> str:
        return self.base + "id/"

    # -- vocabulary --------------------------------------------------------------------------
    def term(self, kind: str, key: str) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown vocabulary kind {kind!r}")
        return f"{self.id}{kind}/{key}"

    # -- facts --------------------------------------------------------------------------------
    def exchange(self, day: date | None, article_digest: str, index: int,
                 discriminator: str | None = None) -> str:
        """By date when the day and year are known; otherwise local to the article (never guessed)."""
        if day is None:
            return f"{self.id}exchange/a-{article_digest}-{index}"
        suffix = f"-{slug(discriminator)}" if discriminator else ""
        return f"{self.id}exchange/{day.isoformat()}{suffix}"

    def cohort(self, exchange_iri: str, categories: tuple[tuple[str, str], ...]) -> str:
        part = "+".join(f"{role}-{key}" for role, key in categories)
        return f"{exchange_iri}/cohort/{part}"

    def article(self, digest: str) -> str:
        return f"{self.id}article/{digest}"

    def running_total(self, digest: str, index: int) -> str:
        return f"{self.article(digest)}/total/{index}"

    def evidence(self, digest: str, index: int) -> str:
        return f"{self.article(digest)}/evidence/{index}"

    def agent(self, name: str) -> str:
        """An agent named in a text but absent from the vocabulary."""
        return f"{self.id}agent/{slug(name).replace('-', '_')}"

    # -- named graphs -------------------------------------------------------------------------
    def article_graph(self, digest: str) -> str:
        return f"{self.base}graph/article/{digest}"

    def quarantine_graph(self, digest: str) -> str:
        return f"{self.base}{QUARANTINE_MARK.lstrip('/')}{digest}"

    @property
    def ontology_graph(self) -> str:
        return f"{self.base}graph/ontology"

    @property
    def inferred_graph(self) -> str:
        return f"{self.base}graph/inferred"

    @property
    def report_graph(self) -> str:
        return f"{self.base}graph/report"

    def is_article_graph(self, iri: str) -> bool:
        return iri.startswith(f"{self.base}graph/article/")

# Graphs whose IRI holds one of these marks are kept out of every query's default graph: inputs kept in
# quarantine, and the scratch graphs a reasoning run works in.
QUARANTINE_MARK = "/graph/quarantine/"
SCRATCH_MARK = "/scratch/"
UNSERVED_MARKS = (QUARANTINE_MARK, SCRATCH_MARK)


def is_served(graph: str) -> bool:
    """Whether the named graph ``graph`` belongs to the default graph of queries."""
    return not any(mark in graph for mark in UNSERVED_MARKS)


def served_test(var: str) -> str:
    """A SPARQL expression true when the graph name bound to ``var`` is served (see ``is_served``)."""
    return " && ".join(f'!CONTAINS(STR({var}), "{mark}")' for mark in UNSERVED_MARKS)
