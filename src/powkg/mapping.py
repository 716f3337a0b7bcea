"""Map one article's facts to RDF: the triples of its named graph (ontology/README.md shows the shape).

``to_triples`` is a pure function: the same facts and article give the same triples, so re-ingesting an
article changes nothing. Every value is linked to a ``pow:Evidence`` annotation (W3C Web Annotation:
a TextQuoteSelector with the exact quote and a TextPositionSelector with its offsets in the cleaned
text) that records who the article says stated it. ``to_graph`` gives the same triples as an rdflib Graph.

The triples are a plain tuple, each triple once, rather than a Graph: adding a triple to an rdflib Graph
costs tens of microseconds (indexes, events), which made mapping the slowest stage; the check stage and
the stores only iterate the triples.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from uuid import uuid4

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from . import __version__
from .iris import DCTERMS, OA, PROV, RDF, RDFS, SCHEMA, XSD, Iris
from .model import Article, Cohort, Exchange, Facts, RunningTotal, Stated
from .vocabulary import Gazetteer

__all__ = ["Triple", "to_graph", "to_triples"]

Triple = tuple[Node, Node, Node]

_KIND_OF_ROLE = {"unit": "unit", "category": "category", "defended": "place", "captured": "place"}
_PROPERTY_OF_ROLE = {"unit": "unit", "category": "personCategory", "defended": "locationDefended",
                     "captured": "placeCaptured"}
_PREFIXES = (("pow", None), ("oa", OA), ("prov", PROV), ("schema", SCHEMA), ("dcterms", DCTERMS))


class _Terms:
    """The terms of a namespace, each made once: an rdflib Namespace makes a new URIRef on every access."""

    def __init__(self, namespace: Namespace | Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = URIRef(self._namespace[name])
        setattr(self, name, term)
        return term


_RDF, _RDFS, _OA, _PROV, _SCHEMA, _DCTERMS, _XSD = (_Terms(ns) for ns in (RDF, RDFS, OA, PROV, SCHEMA, DCTERMS, XSD))
_BOOLEANS = {True: Literal(True), False: Literal(False)}


@lru_cache(maxsize=8)
def _pow(namespace: str) -> _Terms:
    return _Terms(Namespace(namespace))


@lru_cache(maxsize=65536)
def _integer(value: int, datatype: URIRef) -> Literal:
    """Offsets and counts repeat across articles; a Literal is immutable, so one object serves them all."""
    return Literal(value, datatype=datatype)


@lru_cache(maxsize=4096)
def _iri(value: str) -> URIRef:
    """The vocabulary's terms, named again and again: a URIRef checks every character of its IRI."""
    return URIRef(value)


def to_triples(facts: Facts, article: Article, *, gazetteer: Gazetteer, iris: Iris | None = None,
               extracted_at: datetime | None = None) -> tuple[Triple, ...]:
    """The triples of the article's named graph: the article, its exchanges, cohorts, claims and their
    evidence; each triple once, in the order they are mapped."""
    builder = _Builder(article, gazetteer, iris or Iris())
    builder.article_node(extracted_at)
    exchange_iris = [builder.exchange_iri(exchange, index) for index, exchange in enumerate(facts.exchanges)]
    for exchange, iri in zip(facts.exchanges, exchange_iris, strict=True):
        builder.exchange(exchange, iri, exchange_iris)
    for index, total in enumerate(facts.running_totals):
        builder.running_total(total, index, exchange_iris)
    return tuple(builder.triples)


def to_graph(facts: Facts, article: Article, *, gazetteer: Gazetteer, iris: Iris | None = None,
             extracted_at: datetime | None = None) -> Graph:
    """``to_triples`` as an rdflib Graph, with the usual prefixes bound."""
    iris = iris or Iris()
    return as_graph(to_triples(facts, article, gazetteer=gazetteer, iris=iris, extracted_at=extracted_at), iris)


def as_graph(triples: Iterable[Triple], iris: Iris | None = None) -> Graph:
    """Triples as an rdflib Graph, with the prefixes of the mapping bound."""
    graph = Graph()
    for prefix, namespace in _PREFIXES:
        graph.bind(prefix, namespace if namespace is not None else (iris or Iris()).pow)
    for triple in triples:
        graph.add(triple)
    return graph


class _Builder:
    def __init__(self, article: Article, gazetteer: Gazetteer, iris: Iris) -> None:
        self.article = article
        self.gazetteer = gazetteer
        self.iris = iris
        self.digest = article.digest          # a hash of the whole text: computed once
        self.pow = _pow(iris.base + "ontology#")
        self.article_iri = URIRef(iris.article(self.digest))
        self.evidence_prefix = iris.evidence(self.digest, 0)[:-1]
        # A dict keeps the order of insertion and each triple once, as the graph would.
        self.triples: dict[Triple, None] = {}
        self._evidence_count = 0
        # Blank-node labels: one random prefix per article and a counter (rdflib draws a UUID per node).
        self._blank_prefix = uuid4().hex
        self._blank_count = 0
        # A sentence is the evidence of several facts: its quote, like labels and keys, is made once.
        self._strings: dict[str, Literal] = {}

    def string(self, value: str) -> Literal:
        found = self._strings.get(value)
        if found is None:
            found = self._strings[value] = Literal(value)
        return found

    def blank(self) -> BNode:
        self._blank_count += 1
        return BNode(f"{self._blank_prefix}{self._blank_count}")

    def add(self, s: Node, p: Node, o: Any) -> None:
        self.triples[(s, p, o if isinstance(o, Node) else self.string(o) if type(o) is str else Literal(o))] = None

    # -- the article and its graph --------------------------------------------------------------
    def article_node(self, extracted_at: datetime | None) -> None:
        a, art = self.article_iri, self.article
        self.add(a, _RDF.type, self.pow.Article)
        self.add(a, _DCTERMS.identifier, art.id)
        self.add(a, _DCTERMS.language, Literal(art.language, datatype=_XSD.language))
        self.add(a, _DCTERMS.source, art.source)
        self.add(a, self.pow.digest, self.digest)
        self.add(a, _RDFS.label, art.title or art.id)
        for prop, value in ((_DCTERMS.title, art.title), (_SCHEMA.author, art.author),
                            (_DCTERMS.publisher, art.publisher)):
            if value:
                self.add(a, prop, value)
        if art.url:
            self.add(a, _SCHEMA.url, Literal(art.url, datatype=_XSD.anyURI))
        if art.published:
            self.add(a, _SCHEMA.datePublished, Literal(art.published.isoformat(), datatype=_XSD.date))
        graph_iri = URIRef(self.iris.article_graph(self.digest))
        self.add(graph_iri, _RDF.type, _PROV.Entity)
        self.add(graph_iri, _PROV.wasDerivedFrom, a)
        self.add(graph_iri, self.pow.extractorVersion, __version__)
        when = (extracted_at or datetime.now(UTC)).replace(microsecond=0)
        self.add(graph_iri, _PROV.generatedAtTime, Literal(when.isoformat(), datatype=_XSD.dateTime))

    # -- evidence -------------------------------------------------------------------------------
    def evidence(self, body: URIRef, prop: URIRef, stated: Stated[Any], value: Node | None = None) -> None:
        """A pow:Evidence annotation: ``body``'s ``prop`` is ``value``, says this span of the text."""
        ev = URIRef(f"{self.evidence_prefix}{self._evidence_count}")
        self._evidence_count += 1
        quote, p, add = stated.evidence, self.pow, self.triples.__setitem__
        target, text_quote, position = self.blank(), self.blank(), self.blank()
        add((body, p.evidence, ev), None)
        add((ev, _RDF.type, p.Evidence), None)
        add((ev, _OA.hasBody, body), None)
        add((ev, _OA.motivatedBy, _OA.describing), None)
        add((ev, p.supports, prop), None)
        add((ev, _RDF.value, value if value is not None else self.literal(stated.value)), None)
        if stated.qualifier:
            add((ev, p.qualifier, self.string(stated.qualifier)), None)
        if quote.attributed_to:
            add((ev, p.attributedTo, self.agent(quote.attributed_to)), None)
        add((ev, _OA.hasTarget, target), None)
        add((target, _RDF.type, _OA.SpecificResource), None)
        add((target, _OA.hasSource, self.article_iri), None)
        add((target, _OA.hasSelector, text_quote), None)
        add((target, _OA.hasSelector, position), None)
        add((text_quote, _RDF.type, _OA.TextQuoteSelector), None)
        add((text_quote, _OA.exact, self.string(quote.quote)), None)
        add((position, _RDF.type, _OA.TextPositionSelector), None)
        add((position, _OA.start, _integer(quote.start, _XSD.nonNegativeInteger)), None)
        add((position, _OA.end, _integer(quote.end, _XSD.nonNegativeInteger)), None)

    def state(self, node: URIRef, prop: URIRef, stated: Stated[Any] | None, value: Node | None = None) -> None:
        """Add ``node prop value`` and its evidence; nothing when the fact is not stated."""
        if stated is None:
            return
        obj = value if value is not None else self.literal(stated.value)
        self.add(node, prop, obj)
        self.evidence(node, prop, stated, obj)

    def literal(self, value: Any) -> Literal:
        if isinstance(value, bool):
            return _BOOLEANS[value]
        if isinstance(value, int):
            return _integer(value, _XSD.nonNegativeInteger)
        return self.string(value) if isinstance(value, str) else Literal(value)

    # -- vocabulary -----------------------------------------------------------------------------
    def term(self, kind: str, key: str) -> URIRef:
        known = self.gazetteer.terms.get(key)
        return _iri(known.iri) if known else URIRef(self.iris.term(kind, key))

    def agent(self, key: str) -> URIRef:
        known = self.gazetteer.terms.get(key)
        if known:
            return _iri(known.iri)
        iri = URIRef(self.iris.agent(key))
        self.add(iri, _RDF.type, _PROV.Agent)
        self.add(iri, _RDFS.label, key)
        return iri

    # -- exchanges ------------------------------------------------------------------------------
    def exchange_iri(self, exchange: Exchange, index: int) -> URIRef:
        day = exchange.date.value if exchange.date else None
        return URIRef(self.iris.exchange(day, self.digest, index, exchange.discriminator))

    def exchange(self, ex: Exchange, iri: URIRef, all_iris: list[URIRef]) -> None:
        p = self.pow
        self.add(iri, _RDF.type, p.Exchange)
        self.add(iri, p.reportedIn, self.article_iri)
        self.add(iri, _RDFS.label, self.exchange_label(ex))
        self.evidence(iri, p.reportedIn, Stated(True, ex.evidence), self.article_iri)
        if ex.date:
            self.state(iri, p.date, ex.date, Literal(ex.date.value.isoformat(), datatype=_XSD.date))
        elif ex.month_day:
            month, day = ex.month_day.value
            self.state(iri, p.date, ex.month_day, Literal(f"--{month:02d}-{day:02d}", datatype=_XSD.gMonthDay))
        if ex.date_text:
            self.add(iri, p.dateAsWritten, ex.date_text)
        self.state(iri, p.returnedToUkraine, ex.returned_total)
        self.state(iri, p.handedOverToRussia, ex.handed_over)
        self.state(iri, p.ordinal, ex.ordinal, _integer(ex.ordinal.value, _XSD.positiveInteger)
                   if ex.ordinal else None)
        if ex.ordinal_scope:
            self.add(iri, p.ordinalScope, ex.ordinal_scope)
        self.state(iri, p.oldestAge, ex.oldest_age)
        self.state(iri, p.youngestAge, ex.youngest_age)
        for prop, kind, values in ((p.unitNamed, "unit", ex.units_named),
                                   (p.mediatedBy, "agent", ex.mediators),
                                   (p.locationDefended, "place", ex.locations_defended),
                                   (p.placeCaptured, "place", ex.places_captured)):
            for stated in values:
                self.state(iri, prop, stated, self.term(kind, stated.value))
        if ex.previous is not None and 0 <= ex.previous < len(all_iris):
            self.add(iri, p.previousExchange, all_iris[ex.previous])
        cohort_iris = [URIRef(self.iris.cohort(str(iri), c.categories)) for c in ex.cohorts]
        for cohort, cohort_iri in zip(ex.cohorts, cohort_iris, strict=True):
            self.cohort(cohort, cohort_iri, iri, cohort_iris)
        for key, stated in ex.other_counts:
            node = URIRef(f"{iri}/count/{key}")
            self.add(node, _RDF.type, p.OtherCount)
            self.add(node, p.countKey, key)
            self.add(iri, p.otherCount, node)
            self.state(node, p.minCount if stated.lower_bound else p.count, stated)

    def exchange_label(self, ex: Exchange) -> str:
        if ex.date:
            return f"Exchange of {ex.date.value.isoformat()}" + (
                f" ({ex.discriminator})" if ex.discriminator else "")
        if ex.month_day:
            month, day = ex.month_day.value
            return f"Exchange of --{month:02d}-{day:02d} (year unknown), reported in {self.article.id}"
        return f"Undated exchange reported in {self.article.id}"

    def cohort(self, cohort: Cohort, iri: URIRef, exchange: URIRef, siblings: list[URIRef]) -> None:
        p = self.pow
        self.add(iri, _RDF.type, p.Cohort)
        self.add(iri, p.cohortOf, exchange)
        labels = []
        for role, key in cohort.categories:
            self.add(iri, getattr(p, _PROPERTY_OF_ROLE[role]), self.term(_KIND_OF_ROLE[role], key))
            term = self.gazetteer.terms.get(key)
            labels.append(term.label if term else key)
        self.add(iri, _RDFS.label, ", ".join(labels))
        self.state(iri, p.minCount if cohort.count.lower_bound else p.count, cohort.count)
        if cohort.part_of is not None and 0 <= cohort.part_of < len(siblings) and siblings[cohort.part_of] != iri:
            self.state(iri, p.partOf, Stated(True, cohort.count.evidence), siblings[cohort.part_of])

    # -- running totals -------------------------------------------------------------------------
    def running_total(self, total: RunningTotal, index: int, exchanges: list[URIRef]) -> None:
        p = self.pow
        iri = URIRef(self.iris.running_total(self.digest, index))
        self.add(iri, _RDF.type, p.RunningTotal)
        self.add(iri, p.statedIn, self.article_iri)
        self.add(iri, p.scope, total.scope)
        self.add(iri, p.measure, total.measure)
        if total.since:
            self.add(iri, p.since, total.since)
        self.add(iri, _RDFS.label, f"{total.count.value} ({total.measure}): {total.scope}")
        self.state(iri, p.minCount if total.count.lower_bound else p.count, total.count)
        if total.count.qualifier:
            self.add(iri, p.qualifier, total.count.qualifier)
        if total.count.evidence.attributed_to:
            self.add(iri, p.attributedTo, self.agent(total.count.evidence.attributed_to))
        as_of = total.as_of
        if as_of:
            self.add(iri, p.asOf, Literal(as_of.isoformat(), datatype=_XSD.date))
        if total.after_exchange is not None and 0 <= total.after_exchange < len(exchanges):
            self.add(iri, p.countsUpTo, exchanges[total.after_exchange])
