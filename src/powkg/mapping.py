"""Map one article's facts to RDF: the triples of its named graph (ontology/README.md shows the shape).

``to_graph`` is a pure function: the same facts and article give the same triples, so re-ingesting an
article changes nothing. Every value is linked to a ``pow:Evidence`` annotation (W3C Web Annotation:
a TextQuoteSelector with the exact quote and a TextPositionSelector with its offsets in the cleaned
text) that records who the article says stated it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from . import __version__
from .iris import DCTERMS, OA, PROV, RDF, RDFS, SCHEMA, XSD, Iris
from .model import Article, Cohort, Exchange, Facts, RunningTotal, Stated
from .vocabulary import Gazetteer

_KIND_OF_ROLE = {"unit": "unit", "category": "category", "defended": "place", "captured": "place"}


def to_graph(facts: Facts, article: Article, *, gazetteer: Gazetteer, iris: Iris | None = None,
             extracted_at: datetime | None = None) -> Graph:
    """The article's named graph: the article, its exchanges, cohorts, claims and their evidence."""
    builder = _Builder(article, gazetteer, iris or Iris())
    builder.article_node(extracted_at)
    exchange_iris = [builder.exchange_iri(exchange, index) for index, exchange in enumerate(facts.exchanges)]
    for exchange, iri in zip(facts.exchanges, exchange_iris, strict=True):
        builder.exchange(exchange, iri, exchange_iris)
    for index, total in enumerate(facts.running_totals):
        builder.running_total(total, index, exchange_iris)
    return builder.graph


@dataclass
class _Builder:
    article: Article
    gazetteer: Gazetteer
    iris: Iris
    graph: Graph = field(default_factory=Graph)
    _evidence_count: int = 0

    def __post_init__(self) -> None:
        self.pow = self.iris.pow
        self.article_iri = URIRef(self.iris.article(self.article.digest))
        for prefix, namespace in (("pow", self.pow), ("oa", OA), ("prov", PROV), ("schema", SCHEMA),
                                  ("dcterms", DCTERMS)):
            self.graph.bind(prefix, namespace)

    def add(self, s: Node, p: Node, o: Any) -> None:
        self.graph.add((s, p, o if isinstance(o, Node) else Literal(o)))

    # -- the article and its graph --------------------------------------------------------------
    def article_node(self, extracted_at: datetime | None) -> None:
        a, art = self.article_iri, self.article
        self.add(a, RDF.type, self.pow.Article)
        self.add(a, DCTERMS.identifier, art.id)
        self.add(a, DCTERMS.language, Literal(art.language, datatype=XSD.language))
        self.add(a, DCTERMS.source, art.source)
        self.add(a, self.pow.digest, art.digest)
        self.add(a, RDFS.label, art.title or art.id)
        for prop, value in ((DCTERMS.title, art.title), (SCHEMA.author, art.author),
                            (DCTERMS.publisher, art.publisher)):
            if value:
                self.add(a, prop, value)
        if art.url:
            self.add(a, SCHEMA.url, Literal(art.url, datatype=XSD.anyURI))
        if art.published:
            self.add(a, SCHEMA.datePublished, Literal(art.published.isoformat(), datatype=XSD.date))
        graph_iri = URIRef(self.iris.article_graph(art.digest))
        self.add(graph_iri, RDF.type, PROV.Entity)
        self.add(graph_iri, PROV.wasDerivedFrom, a)
        self.add(graph_iri, self.pow.extractorVersion, __version__)
        when = (extracted_at or datetime.now(UTC)).replace(microsecond=0)
        self.add(graph_iri, PROV.generatedAtTime, Literal(when.isoformat(), datatype=XSD.dateTime))

    # -- evidence -------------------------------------------------------------------------------
    def evidence(self, body: URIRef, prop: URIRef, stated: Stated[Any], value: Node | None = None) -> None:
        """A pow:Evidence annotation: ``body``'s ``prop`` is ``value``, says this span of the text."""
        ev = URIRef(self.iris.evidence(self.article.digest, self._evidence_count))
        self._evidence_count += 1
        quote = stated.evidence
        self.add(body, self.pow.evidence, ev)
        self.add(ev, RDF.type, self.pow.Evidence)
        self.add(ev, OA.hasBody, body)
        self.add(ev, OA.motivatedBy, OA.describing)
        self.add(ev, self.pow.supports, prop)
        self.add(ev, RDF.value, value if value is not None else self.literal(stated.value))
        if stated.qualifier:
            self.add(ev, self.pow.qualifier, stated.qualifier)
        if quote.attributed_to:
            self.add(ev, self.pow.attributedTo, self.agent(quote.attributed_to))
        target, text_quote, position = BNode(), BNode(), BNode()
        self.add(ev, OA.hasTarget, target)
        self.add(target, RDF.type, OA.SpecificResource)
        self.add(target, OA.hasSource, self.article_iri)
        self.add(target, OA.hasSelector, text_quote)
        self.add(target, OA.hasSelector, position)
        self.add(text_quote, RDF.type, OA.TextQuoteSelector)
        self.add(text_quote, OA.exact, quote.quote)
        self.add(position, RDF.type, OA.TextPositionSelector)
        self.add(position, OA.start, Literal(quote.start, datatype=XSD.nonNegativeInteger))
        self.add(position, OA.end, Literal(quote.end, datatype=XSD.nonNegativeInteger))

    def state(self, node: URIRef, prop: URIRef, stated: Stated[Any] | None, value: Node | None = None) -> None:
        """Add ``node prop value`` and its evidence; nothing when the fact is not stated."""
        if stated is None:
            return
        obj = value if value is not None else self.literal(stated.value)
        self.add(node, prop, obj)
        self.evidence(node, prop, stated, obj)

    @staticmethod
    def literal(value: Any) -> Literal:
        if isinstance(value, bool):
            return Literal(value)
        if isinstance(value, int):
            return Literal(value, datatype=XSD.nonNegativeInteger)
        return Literal(value)

    # -- vocabulary -----------------------------------------------------------------------------
    def term(self, kind: str, key: str) -> URIRef:
        known = self.gazetteer.terms.get(key)
        return URIRef(known.iri if known else self.iris.term(kind, key))

    def agent(self, key: str) -> URIRef:
        known = self.gazetteer.terms.get(key)
        if known:
            return URIRef(known.iri)
        iri = URIRef(self.iris.agent(key))
        self.add(iri, RDF.type, PROV.Agent)
        self.add(iri, RDFS.label, key)
        return iri

    # -- exchanges ------------------------------------------------------------------------------
    def exchange_iri(self, exchange: Exchange, index: int) -> URIRef:
        day = exchange.date.value if exchange.date else None
        return URIRef(self.iris.exchange(day, self.article.digest, index, exchange.discriminator))

    def exchange(self, ex: Exchange, iri: URIRef, all_iris: list[URIRef]) -> None:
        p = self.pow
        self.add(iri, RDF.type, p.Exchange)
        self.add(iri, p.reportedIn, self.article_iri)
        self.add(iri, RDFS.label, self.exchange_label(ex))
        self.evidence(iri, p.reportedIn, Stated(True, ex.evidence), self.article_iri)
        if ex.date:
            self.state(iri, p.date, ex.date, Literal(ex.date.value.isoformat(), datatype=XSD.date))
        elif ex.month_day:
            month, day = ex.month_day.value
            self.state(iri, p.date, ex.month_day, Literal(f"--{month:02d}-{day:02d}", datatype=XSD.gMonthDay))
        if ex.date_text:
            self.add(iri, p.dateAsWritten, ex.date_text)
        self.state(iri, p.returnedToUkraine, ex.returned_total)
        self.state(iri, p.handedOverToRussia, ex.handed_over)
        self.state(iri, p.ordinal, ex.ordinal, Literal(ex.ordinal.value, datatype=XSD.positiveInteger)
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
            self.add(node, RDF.type, p.OtherCount)
            self.add(node, p.countKey, key)
            self.add(iri, p.otherCount, node)
            self.state(node, p.minCount if stated.lower_bound else p["count"], stated)

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
        self.add(iri, RDF.type, p.Cohort)
        self.add(iri, p.cohortOf, exchange)
        labels = []
        for role, key in cohort.categories:
            value = self.term(_KIND_OF_ROLE[role], key)
            prop = {"unit": p.unit, "category": p.personCategory,
                    "defended": p.locationDefended, "captured": p.placeCaptured}[role]
            self.add(iri, prop, value)
            term = self.gazetteer.terms.get(key)
            labels.append(term.label if term else key)
        self.add(iri, RDFS.label, ", ".join(labels))
        self.state(iri, p.minCount if cohort.count.lower_bound else p["count"], cohort.count)
        if cohort.part_of is not None and 0 <= cohort.part_of < len(siblings) and siblings[cohort.part_of] != iri:
            self.state(iri, p.partOf, Stated(True, cohort.count.evidence), siblings[cohort.part_of])

    # -- running totals -------------------------------------------------------------------------
    def running_total(self, total: RunningTotal, index: int, exchanges: list[URIRef]) -> None:
        p = self.pow
        iri = URIRef(self.iris.running_total(self.article.digest, index))
        self.add(iri, RDF.type, p.RunningTotal)
        self.add(iri, p.statedIn, self.article_iri)
        self.add(iri, p.scope, total.scope)
        self.add(iri, p.measure, total.measure)
        if total.since:
            self.add(iri, p.since, total.since)
        self.add(iri, RDFS.label, f"{total.count.value} ({total.measure}): {total.scope}")
        self.state(iri, p.minCount if total.count.lower_bound else p["count"], total.count)
        if total.count.qualifier:
            self.add(iri, p.qualifier, total.count.qualifier)
        if total.count.evidence.attributed_to:
            self.add(iri, p.attributedTo, self.agent(total.count.evidence.attributed_to))
        as_of = total.as_of
        if as_of:
            self.add(iri, p.asOf, Literal(as_of.isoformat(), datatype=XSD.date))
        if total.after_exchange is not None and 0 <= total.after_exchange < len(exchanges):
            self.add(iri, p.countsUpTo, exchanges[total.after_exchange])
